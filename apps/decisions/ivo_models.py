"""What Insyn keeps for IVO's e-service: the identifier given instead of the personnummer, and
which individual reports have been entered there."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lib.nonexecution import Outcome

from .models import Decision, QuarterlyReport


class IvoPersonCode(models.Model):
    """The identifier IVO's e-service takes instead of the personnummer: the birth date and four
    characters, T and three digits whose second carries sex (ÅÅÅÅMMDD-T123, the 2: even for a
    woman, odd for a man). Assigned once and kept, so the person has the same number through the
    whole reporting period."""

    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="ivo_code", verbose_name=_("person")
    )
    code = models.CharField(_("nummer till IVO"), max_length=13)
    created_at = models.DateTimeField(_("tilldelat"), auto_now_add=True)

    class Meta:
        verbose_name = _("nummer till IVO")
        verbose_name_plural = _("nummer till IVO")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="ivo_person_code_unique_in_municipality"),
            models.CheckConstraint(name="ivo_person_code_format", condition=Q(code__regex=r"^[0-9]{8}-T[0-9]{3}$")),
        ]

    def __str__(self) -> str:
        return self.code


class IvoEntry(models.Model):
    """That an individual report was entered in IVO's e-service, when and by whom. Either the
    quarter's report of a row (`report` set), or the report that a wait ended (`closure`), which
    IVO takes at any time, not only in the quarter's window."""

    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="ivo_entries", verbose_name=_("beslut")
    )
    episode_kind = models.CharField(_("väntan"), max_length=20)
    episode_start = models.DateField(_("väntan från"))
    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ivo_entries",
        verbose_name=_("rapport"),
    )
    closure = models.BooleanField(_("verkställt eller avslutat"), default=False)
    outcome = models.CharField(_("utfall"), max_length=10, blank=True, choices=[(o.value, o.value) for o in Outcome])
    outcome_date = models.DateField(_("datum för verkställighet, avslut"), null=True, blank=True)
    entered_on = models.DateField(_("inrapporterat i e-tjänsten"))
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("av")
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        ordering = ["entered_on", "id"]
        verbose_name = _("individrapport i IVO:s e-tjänst")
        verbose_name_plural = _("individrapporter i IVO:s e-tjänst")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "decision", "episode_kind", "episode_start"],
                condition=Q(report__isnull=False),
                name="ivo_entry_once_per_report_row",
            ),
            models.UniqueConstraint(
                fields=["decision", "episode_kind", "episode_start"],
                condition=Q(closure=True),
                name="ivo_entry_one_closure_per_wait",
            ),
            models.CheckConstraint(
                name="ivo_entry_report_or_closure", condition=Q(report__isnull=False) | Q(closure=True)
            ),
            models.CheckConstraint(
                name="ivo_entry_closure_has_outcome",
                condition=Q(closure=False, outcome="", outcome_date__isnull=True)
                | Q(closure=True, outcome__in=["executed", "ended"], outcome_date__isnull=False),
            ),
            models.CheckConstraint(
                name="ivo_entry_not_before_the_outcome",
                condition=Q(outcome_date__isnull=True) | Q(entered_on__gte=F("outcome_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.entered_on}"
