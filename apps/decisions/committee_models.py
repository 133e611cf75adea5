"""The socialnämnd's own data (scope, signatures) and its decision on a submitted report, with the
dispatch of the protokollsutdrag. Separate tables: a submitted report is frozen."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .models import QuarterlyReport


class CommitteeSettings(models.Model):
    """What the socialnämnd's documents say about the nämnd itself: its reporting scope (with the
    appendix that lists it) and who signs. Data of the nämnd, edited by its registrar."""

    municipality = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="committee_settings",
        verbose_name=_("kommun"),
    )
    committee_name = models.CharField(_("nämndens namn"), max_length=120, default="Socialnämnden")
    scope = models.CharField(
        _("rapporteringsskyldigheten gäller"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. individ- och familjeomsorg. Tomt: meningen utelämnas."),
    )
    scope_appendix = models.TextField(
        _("bilaga om rapporteringsskyldigheten"),
        blank=True,
        help_text=_("Bilagans text, t.ex. vilka insatser och lagrum som omfattas. Tomt: ingen bilaga."),
    )
    manager_name = models.CharField(_("förvaltningschef"), max_length=150, blank=True)
    manager_title = models.CharField(_("förvaltningschefens titel"), max_length=150, default="Förvaltningschef")
    approver_name = models.CharField(_("godkännare av tjänsteskrivelser"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)

    class Meta:
        verbose_name = _("nämndens uppgifter")
        verbose_name_plural = _("nämndernas uppgifter")

    def __str__(self) -> str:
        return f"{self.committee_name} ({self.municipality})"


class CommitteeDecision(models.Model):
    """The nämnd's decision on a submitted report (the protokollsutdrag is made from it) and its
    dispatch to the council and the auditors. A separate table: a submitted report is frozen."""

    report = models.OneToOneField(
        QuarterlyReport, on_delete=models.PROTECT, related_name="committee_decision", verbose_name=_("rapport")
    )
    decided_on = models.DateField(_("sammanträdesdatum"))
    paragraph = models.PositiveSmallIntegerField(_("paragraf"))
    working_committee_on = models.DateField(_("arbetsutskottets sammanträde"), null=True, blank=True)
    diary_number = models.CharField(_("diarienummer"), max_length=60)
    decision_text = models.TextField(_("beslut"))
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("av")
    )
    dispatched_on = models.DateField(_("expedierat"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expedierat av"),
    )

    class Meta:
        verbose_name = _("nämndens beslut")
        verbose_name_plural = _("nämndens beslut")
        constraints = [
            models.CheckConstraint(
                name="committee_decision_paragraph_positive",
                condition=Q(paragraph__gte=1),
                violation_error_message=_("Paragrafen är ett heltal från 1."),
            ),
            models.CheckConstraint(
                name="committee_decision_working_committee_first",
                condition=Q(working_committee_on__isnull=True) | Q(working_committee_on__lte=F("decided_on")),
                violation_error_message=_("Arbetsutskottet sammanträder före nämnden."),
            ),
            models.CheckConstraint(
                name="committee_decision_dispatched_after_decision",
                condition=Q(dispatched_on__isnull=True) | Q(dispatched_on__gte=F("decided_on")),
                violation_error_message=_("Beslutet kan inte expedieras före sammanträdet."),
            ),
        ]

    def __str__(self) -> str:
        return f"§ {self.paragraph} {self.diary_number}"
