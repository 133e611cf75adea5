"""The programme's rules as data: the programme, its executor units, indicators and activity types."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A financed programme and its rules. Every limit is a setting here, never a constant in code."""

    forbund = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="programmes")
    slug = models.SlugField(_("kortnamn"), unique=True)
    name = models.CharField(_("namn"), max_length=120)
    intro_max_weeks = models.PositiveSmallIntegerField(_("introduktion högst (veckor)"), default=6)
    min_weeks = models.PositiveSmallIntegerField(_("deltagande minst (veckor)"), default=6)
    max_weeks = models.PositiveSmallIntegerField(_("deltagande högst (veckor)"), default=24)
    max_extent_percent = models.PositiveSmallIntegerField(_("omfattning högst (% av heltid)"), default=50)
    age_min = models.PositiveSmallIntegerField(_("lägsta ålder"), default=16)
    age_max = models.PositiveSmallIntegerField(_("högsta ålder"), default=64)
    measurement_interval_days = models.PositiveSmallIntegerField(_("mätning ungefär var (dagar)"), default=91)
    warning_days = models.PositiveSmallIntegerField(_("varning (dagar före)"), default=14)
    scale_min = models.SmallIntegerField(_("skala från"), default=1)
    scale_max = models.SmallIntegerField(_("skala till"), default=5)
    eligibility_criteria = models.JSONField(_("kriterier för målgruppen"), default=list)
    violence_questions = models.JSONField(_("frågor om våld"), default=list)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.CheckConstraint(name="programme_weeks_ordered", condition=Q(min_weeks__lte=F("max_weeks"))),
            models.CheckConstraint(name="programme_ages_ordered", condition=Q(age_min__lte=F("age_max"))),
            models.CheckConstraint(name="programme_scale_ordered", condition=Q(scale_min__lt=F("scale_max"))),
            models.CheckConstraint(name="programme_extent_percent", condition=Q(max_extent_percent__lte=100)),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeUnit(models.Model):
    """The executor unit of one municipality, with its agreed places and period."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="units")
    unit = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="programme_units")
    places = models.PositiveIntegerField(_("avtalade platser"))
    period_start = models.DateField(_("avtalsperiod från"))
    period_end = models.DateField(_("avtalsperiod till"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "unit"], name="programme_unit_unique"),
            models.CheckConstraint(name="programme_unit_period", condition=Q(period_end__gte=F("period_start"))),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.unit}"


class Respondent(models.TextChoices):
    PARTICIPANT = "participant", _("Deltagaren")
    CASEWORKER = "caseworker", _("Handläggaren")


class Indicator(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("kod"))
    label = models.CharField(_("indikator"), max_length=200)
    respondent = models.CharField(_("svarar"), max_length=12, choices=Respondent.choices)
    position = models.PositiveSmallIntegerField(_("ordning"))

    class Meta:
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return self.label


class ActivityType(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activity_types")
    code = models.SlugField(_("kod"))
    label = models.CharField(_("aktivitet"), max_length=120)

    class Meta:
        ordering = ["programme", "label"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="activity_type_code_unique")]

    def __str__(self) -> str:
        return self.label
