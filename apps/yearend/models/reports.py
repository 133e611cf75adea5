from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    ANNUAL = "annual", _("Årsbokslut")
    INTERIM = "interim", _("Delårsbokslut")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    APPROVED = "approved", _("Godkänd av förvaltningschef")


class GovernanceSettings(models.Model):
    """What the municipality's styrmodell fixes: when the nämnd's årsbokslut is due at the
    kommunstyrelse, and the delårsbokslut."""

    municipality = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="governance_settings",
        verbose_name=_("kommun"),
    )
    annual_due_month = models.PositiveSmallIntegerField(_("årsbokslut senast, månad"), default=2)
    annual_due_day = models.PositiveSmallIntegerField(_("årsbokslut senast, dag"), default=20)
    interim_due_month = models.PositiveSmallIntegerField(_("delårsbokslut senast, månad"), default=9)
    interim_due_day = models.PositiveSmallIntegerField(_("delårsbokslut senast, dag"), default=30)

    class Meta:
        verbose_name = _("styrmodell")
        verbose_name_plural = _("styrmodeller")
        constraints = [
            models.CheckConstraint(
                name="governance_due_dates_valid",
                condition=Q(annual_due_month__gte=1, annual_due_month__lte=12, annual_due_day__gte=1)
                & Q(annual_due_day__lte=31, interim_due_month__gte=1, interim_due_month__lte=12)
                & Q(interim_due_day__gte=1, interim_due_day__lte=31),
            )
        ]

    def __str__(self) -> str:
        return str(_("Styrmodell %(municipality)s") % {"municipality": self.municipality})


class SignalStep(models.Model):
    """One step of the styrmodell's signal scale, lowest first ("Ej uppfyllt" … "Helt uppfyllt").
    The colour is never shown alone: the label and the symbol go with it."""

    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="signal_steps", verbose_name=_("kommun")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    label = models.CharField(_("benämning"), max_length=60)
    colour = models.CharField(_("färg"), max_length=7)
    symbol = models.CharField(_("symbol"), max_length=4)

    class Meta:
        ordering = ["municipality", "position"]
        verbose_name = _("signalsteg")
        verbose_name_plural = _("signalsteg")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "position"], name="signal_step_position_unique"),
            models.UniqueConstraint(fields=["municipality", "label"], name="signal_step_label_unique"),
            models.CheckConstraint(name="signal_step_colour_hex", condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$")),
        ]

    def __str__(self) -> str:
        return self.label


class YearReport(models.Model):
    """The nämnd's årsbokslut or delårsbokslut of a year, with its tjänsteskrivelse."""

    namnd = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="year_reports", verbose_name=_("nämnd")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("slag"), max_length=8, choices=Period.choices)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The document's head.
    document_type = models.CharField(
        _("dokumenttyp"),
        max_length=120,
        default="Redovisande dokument, bokslut",  # i18n: data
    )
    decision_body = models.CharField(_("beslutande instans"), max_length=120, default="Socialnämnden")  # i18n: data
    decision_date = models.DateField(_("datum för beslut"), null=True, blank=True)
    diary_number = models.CharField(_("diarienummer"), max_length=40, blank=True)
    # The tjänsteskrivelse.
    memo_date = models.DateField(_("datum för tjänsteskrivelsen"), null=True, blank=True)
    officer_name = models.CharField(_("handläggare"), max_length=120, blank=True)
    officer_title = models.CharField(
        _("handläggarens titel"),
        max_length=120,
        default="Verksamhetscontroller",  # i18n: data
    )
    direct_number = models.CharField(_("direktnummer"), max_length=40, blank=True)
    manager_name = models.CharField(_("förvaltningschef"), max_length=120, blank=True)
    manager_title = models.CharField(
        _("förvaltningschefens titel"),
        max_length=120,
        default="Förvaltningschef",  # i18n: data
    )
    recipients = models.TextField(_("beslutet ska skickas till"), default="Kommunstyrelsen")  # i18n: data
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkänd av"),
    )
    approver_name = models.CharField(_("godkännare"), max_length=120, blank=True)
    approved_on = models.DateField(_("godkänd"), null=True, blank=True)
    # The document as it was approved (document.py's JSON): an approved report is frozen, so a
    # later import of its years' figures, or a change to next year's plan, does not change it.
    approved_content = models.JSONField(_("godkänt innehåll"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["namnd", "-year", "period"]
        verbose_name = _("årsbokslut eller delårsbokslut")
        verbose_name_plural = _("årsbokslut och delårsbokslut")
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "period"], name="year_report_unique"),
            models.CheckConstraint(name="year_report_period_valid", condition=Q(period__in=[p.value for p in Period])),
            models.CheckConstraint(
                name="year_report_status_valid", condition=Q(status__in=[s.value for s in ReportStatus])
            ),
            models.CheckConstraint(
                name="year_report_approval_complete",
                condition=Q(status="draft")
                | Q(approved_on__isnull=False, approved_content__isnull=False) & ~Q(approver_name=""),
            ),
            models.CheckConstraint(name="year_report_year_sensible", condition=Q(year__gte=2000, year__lte=2100)),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.year}, {self.namnd.name}"


class ReportText(models.Model):
    """One editable text of a report: a section ("verksamhet", "drift_utfall", …) or the analysis
    of a goal ("goal-<pk>"). Every save keeps the earlier text as a version."""

    report = models.ForeignKey(YearReport, on_delete=models.CASCADE, related_name="texts", verbose_name=_("rapport"))
    key = models.CharField(_("avsnitt"), max_length=40)
    body = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["report", "key"]
        verbose_name = _("text")
        verbose_name_plural = _("texter")
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_text_unique")]

    def __str__(self) -> str:
        return str(self.key)


class ReportTextVersion(models.Model):
    text = models.ForeignKey(ReportText, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("sparad"))

    class Meta:
        ordering = ["text", "-saved_at", "-pk"]
        verbose_name = _("tidigare text")
        verbose_name_plural = _("tidigare texter")

    def __str__(self) -> str:
        return str(f"{self.text} {self.saved_at}")
