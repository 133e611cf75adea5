from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TargetDirection(models.TextChoices):
    AT_LEAST = "ge", "≥"
    ABOVE = "gt", ">"
    AT_MOST = "le", "≤"
    BELOW = "lt", "<"
    EQUAL = "eq", "="


class KeyFigureOrigin(models.TextChoices):
    MANUAL = "manual", _("Inmatat")
    KOLADA = "kolada", _("Kolada")
    COMPUTED = "computed", _("Beräknat i Insyn")
    IMPORTED = "imported", _("Inläst exempel")


class CouncilGoal(models.Model):
    """One of the council's prioritised goals the nämnd contributes to in a year ("2. I Alingsås
    finns goda livsmiljöer …")."""

    namnd = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="council_goals", verbose_name=_("nämnd")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("mål"), max_length=300)

    class Meta:
        ordering = ["namnd", "year", "number"]
        verbose_name = _("kommunfullmäktiges mål")
        verbose_name_plural = _("kommunfullmäktiges mål")
        constraints = [models.UniqueConstraint(fields=["namnd", "year", "number"], name="council_goal_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class NamndGoal(models.Model):
    council_goal = models.ForeignKey(
        CouncilGoal, on_delete=models.CASCADE, related_name="goals", verbose_name=_("fullmäktiges mål")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    title = models.CharField(_("nämndens mål"), max_length=400)
    indicator = models.TextField(_("indikator"), blank=True)
    agenda2030 = models.TextField(_("Agenda 2030-mål"), blank=True)

    class Meta:
        ordering = ["council_goal", "position"]
        verbose_name = _("nämndens mål")
        verbose_name_plural = _("nämndens mål")
        constraints = [models.UniqueConstraint(fields=["council_goal", "position"], name="namnd_goal_position_unique")]

    def __str__(self) -> str:
        return self.title


class GoalAssessment(models.Model):
    """A report's assessment of a goal: what Insyn proposed from the key figures and what the
    person decided; a decision that differs from the proposal carries its reason."""

    report = models.ForeignKey("yearend.YearReport", on_delete=models.CASCADE, related_name="assessments")
    goal = models.ForeignKey(NamndGoal, on_delete=models.CASCADE, related_name="assessments")
    proposed = models.ForeignKey(
        "yearend.SignalStep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("förslag"),
    )
    decided = models.ForeignKey(
        "yearend.SignalStep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bedömning"),
    )
    reason = models.TextField(_("skäl för avvikelse från förslaget"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bedömning av mål")
        verbose_name_plural = _("bedömningar av mål")
        constraints = [
            models.UniqueConstraint(fields=["report", "goal"], name="goal_assessment_unique"),
            models.CheckConstraint(
                name="goal_assessment_reason_when_differing",
                condition=Q(decided__isnull=True)
                | Q(proposed__isnull=True)
                | Q(decided=models.F("proposed"))
                | ~Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return str(f"{self.goal} ({self.report_id})")


class KeyFigureTable(models.Model):
    """A table of key figures as the document places it: after a goal, or at the end of the
    council goal's section (seed 002 gathers goal 3's four figures in one table)."""

    council_goal = models.ForeignKey(CouncilGoal, on_delete=models.CASCADE, related_name="key_figure_tables")
    after_goal = models.ForeignKey(
        NamndGoal, on_delete=models.CASCADE, null=True, blank=True, related_name="key_figure_tables"
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    # "31 dec" makes the headings "Mål 31 dec 2022", "Utfall 31 dec 2022"; empty: "Mål 2022".
    measured_at = models.CharField(_("mättidpunkt"), max_length=20, blank=True)
    footnote = models.TextField(_("fotnot"), blank=True)

    class Meta:
        ordering = ["council_goal", "position"]
        constraints = [models.UniqueConstraint(fields=["council_goal", "position"], name="key_figure_table_unique")]

    def __str__(self) -> str:
        return str(_("Nyckeltal %(goal)s (%(position)s)") % {"goal": self.council_goal, "position": self.position})


class KeyFigure(models.Model):
    table = models.ForeignKey(KeyFigureTable, on_delete=models.CASCADE, related_name="key_figures")
    goal = models.ForeignKey(
        NamndGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="key_figures", verbose_name=_("mål")
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    name = models.CharField(_("nyckeltal"), max_length=300)
    source = models.CharField(_("källa"), max_length=200)
    target_direction = models.CharField(
        _("riktning"), max_length=2, choices=TargetDirection.choices, default=TargetDirection.AT_LEAST
    )
    target_value = models.DecimalField(_("målvärde"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Seed 002 prints some targets bare ("215", "100") and others with their sign ("≥86", ">19").
    show_direction = models.BooleanField(_("visa riktningen"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimaler"), default=0)
    kolada_kpi = models.CharField(_("Kolada-nyckeltal"), max_length=20, blank=True)
    kolada_gender = models.CharField(_("Kolada-kön"), max_length=1, default="T")
    computed_measure = models.CharField(_("beräknas från Insyn"), max_length=60, blank=True)

    class Meta:
        ordering = ["table", "position"]
        verbose_name = _("nyckeltal")
        verbose_name_plural = _("nyckeltal")
        constraints = [
            models.UniqueConstraint(fields=["table", "position"], name="key_figure_position_unique"),
            models.CheckConstraint(name="key_figure_kolada_gender", condition=Q(kolada_gender__in=["T", "K", "M"])),
            models.CheckConstraint(
                name="key_figure_direction_valid", condition=Q(target_direction__in=[d.value for d in TargetDirection])
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KeyFigureValue(models.Model):
    """The outcome of a key figure in a year: a number, or a text where the seed has one
    ("Ej jämförbart*")."""

    key_figure = models.ForeignKey(KeyFigure, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.CharField(_("text i stället för värde"), max_length=60, blank=True)
    origin = models.CharField(_("ursprung"), max_length=10, choices=KeyFigureOrigin.choices)

    class Meta:
        ordering = ["key_figure", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["key_figure", "year"], name="key_figure_value_unique"),
            models.CheckConstraint(name="key_figure_value_or_text", condition=Q(value__isnull=False) | ~Q(text="")),
        ]

    def __str__(self) -> str:
        return str(f"{self.key_figure} {self.year}")
