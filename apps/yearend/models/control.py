from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ControlAssessment(models.TextChoices):
    WITHOUT_REMARK = "without_remark", _("Kontrollen är genomförd utan anmärkning/med försumbar anmärkning")
    WITH_REMARK = "with_remark", _("Kontrollen är genomförd med anmärkning")


class ControlPoint(models.Model):
    """A point of the year's internal control plan."""

    namnd = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="control_points", verbose_name=_("nämnd")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    position = models.PositiveSmallIntegerField(_("ordning"))
    risk = models.TextField(_("identifierad risk"))
    checked = models.TextField(_("vad kontrolleras?"))
    frequency = models.CharField(_("frekvens uppföljning"), max_length=120, default="Del- och årsbokslut")  # i18n: data
    method = models.TextField(_("metod"))
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("överförd från"),
    )

    class Meta:
        ordering = ["namnd", "year", "position"]
        verbose_name = _("kontrollpunkt")
        verbose_name_plural = _("kontrollpunkter")
        constraints = [models.UniqueConstraint(fields=["namnd", "year", "position"], name="control_point_unique")]

    def __str__(self) -> str:
        return self.risk


class ControlFollowUp(models.Model):
    point = models.ForeignKey(ControlPoint, on_delete=models.CASCADE, related_name="follow_ups")
    period = models.CharField(_("uppföljning"), max_length=8, choices=[("annual", _("År")), ("interim", _("Delår"))])
    assessment = models.CharField(_("bedömning"), max_length=16, choices=ControlAssessment.choices)
    result = models.TextField(_("resultat"), blank=True)

    class Meta:
        verbose_name = _("uppföljning av kontrollpunkt")
        verbose_name_plural = _("uppföljningar av kontrollpunkter")
        constraints = [
            models.UniqueConstraint(fields=["point", "period"], name="control_follow_up_unique"),
            models.CheckConstraint(
                name="control_assessment_valid", condition=Q(assessment__in=[a.value for a in ControlAssessment])
            ),
        ]

    def __str__(self) -> str:
        return str(f"{self.point} ({self.period})")


class ControlResultTable(models.Model):
    """A small table inside a result ("Orosanmälningar och utredningar 2020–2022"): columns, rows of
    counts, and optionally a share row computed from two of them (48 %, 45 %, 39 %)."""

    follow_up = models.ForeignKey(ControlFollowUp, on_delete=models.CASCADE, related_name="tables")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("rubrik"), max_length=200)
    columns = models.JSONField(_("kolumner"), default=list)
    # [{"label": "Antal barn orosanmälningar", "values": [677, 793, 830]}, …]
    rows = models.JSONField(_("rader"), default=list)
    share_label = models.CharField(_("andelsrad"), max_length=60, blank=True)
    share_numerator = models.PositiveSmallIntegerField(null=True, blank=True)
    share_denominator = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["follow_up", "position"]

    def __str__(self) -> str:
        return str(self.title)


class ProviderFollowUp(models.Model):
    """A row of Bilaga 2: the follow-up of one agreement with a private provider."""

    namnd = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="provider_follow_ups",
        verbose_name=_("nämnd"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    position = models.PositiveSmallIntegerField(_("ordning"))
    agreement = models.CharField(_("berört avtal"), max_length=300)
    followed_up = models.TextField(_("vad har följts upp?"))
    met_requirements = models.BooleanField(_("har leverantören i huvudsak uppfyllt väsentliga mål och krav?"))
    shortcomings = models.TextField(_("om nej, vilka brister har iakttagits?"), blank=True)
    effect = models.TextField(_("hur påverkar bristerna nämndens verksamhet?"), blank=True)
    measures = models.TextField(_("vilka åtgärder har vidtagits?"), blank=True)

    class Meta:
        ordering = ["namnd", "year", "position"]
        verbose_name = _("uppföljning av privat utförare")
        verbose_name_plural = _("uppföljningar av privata utförare")
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "position"], name="provider_follow_up_unique"),
            models.CheckConstraint(
                name="provider_shortcomings_when_not_met",
                condition=Q(met_requirements=True) | ~Q(shortcomings=""),
            ),
        ]

    def __str__(self) -> str:
        return str(self.agreement)
