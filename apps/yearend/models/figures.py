"""The figures the economy and staff tables are computed from, as the ledger and the HR system give
them: amounts in kronor and hours in hours, never rounded here (lib/report_numbers.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PERIOD_CHOICES = [("annual", _("Helår")), ("interim", _("Januari–augusti"))]


class LedgerGroup(models.TextChoices):
    INCOME = "intakter", _("Verksamhetens intäkter")
    STAFF = "personalkostnader", _("Personalkostnader")
    RENT = "lokalhyror", _("Lokalhyror")
    SERVICES = "kop_av_tjanster", _("Köp av tjänster")
    OTHER = "ovriga_kostnader", _("Övriga kostnader")
    MUNICIPAL_GRANT = "kommunbidrag", _("Kommunbidrag")
    FINANCIAL_NET = "finansnetto", _("Finansnetto")


COST_GROUPS = (LedgerGroup.STAFF, LedgerGroup.RENT, LedgerGroup.SERVICES, LedgerGroup.OTHER)


class InvestmentItem(models.TextChoices):
    """Sub-rows of the investment table; each belongs to a kind (the bold rows)."""

    EXPANSION = "expansion", _("Expansionsinvestering")
    IMAGE = "image", _("Imageinvestering")
    FURNITURE = "inventarier", _("inventarier")
    IT = "it_utrustning", _("IT-utrustning")
    VEHICLES = "transportmedel", _("transportmedel")
    MACHINES = "maskiner", _("maskiner")
    PREMISES = "lokalanpassning", _("lokalanpassning")


class StaffMeasure(models.TextChoices):
    PERMANENT_EMPLOYEES = "tillsvidareanstallda", _("Antal anställda, tillsvidareanställda")
    TEMPORARY_EMPLOYEES = "visstidsanstallda", _("Antal anställda, visstidsanställda")
    PERMANENT_FTE = "arsarbetare_tillsvidare", _("Antal årsarbetare, tillsvidareanställda")
    TEMPORARY_FTE = "arsarbetare_visstid", _("Antal årsarbetare, visstidsanställda")
    EMPLOYMENT_RATE = "sysselsattningsgrad", _("Sysselsättningsgrad, tillsvidareanställda (%)")
    MEAN_AGE = "medelalder", _("Medelålder, tillsvidareanställda")
    HOURLY_PAID = "timavlonade", _("Utförd tid av timavlönade, omräknat till heltidsarbetare")
    EXTRA_TIME = "fyllnad", _("Fyllnadstid, omräknat till heltidsarbetare")
    OVERTIME = "overtid", _("Övertid, omräknat till heltidsarbetare")
    TURNOVER = "personalomsattning", _("Personalomsättning exkluderat pensionsavgångar (%)")
    WORK_INJURIES = "arbetsskador", _("Arbetsskador")
    INCIDENTS = "tillbud", _("Tillbud")


class SickLeaveGroup(models.TextChoices):
    TOTAL = "totalt", _("Total sjukfrånvaro")
    WOMEN = "kvinnor", _("Kvinnor")
    MEN = "man", _("Män")
    UNDER_30 = "under_30", _("<29 år")
    AGED_30_49 = "30_49", _("30-49 år")
    AGED_50_PLUS = "50_plus", _("50 år>")
    DAYS_1_14 = "dag_1_14", _("Dag 1-14")
    DAYS_15_59 = "dag_15_59", _("Dag 15-59")
    DAYS_60_PLUS = "dag_60_plus", _("Dag 59>")


def _choices_check(name: str, field: str, choices: type[models.TextChoices]) -> models.CheckConstraint:
    return models.CheckConstraint(name=name, condition=Q(**{f"{field}__in": [c.value for c in choices]}))


_PERIOD_CHECK = Q(period__in=["annual", "interim"])


class LedgerFigure(models.Model):
    namnd = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("period"), max_length=8, choices=PERIOD_CHOICES, default="annual")
    group = models.CharField(_("kontogrupp"), max_length=20, choices=LedgerGroup.choices)
    budget_kr = models.DecimalField(_("budget (kr)"), max_digits=15, decimal_places=2)
    outcome_kr = models.DecimalField(_("utfall (kr)"), max_digits=15, decimal_places=2)

    class Meta:
        ordering = ["namnd", "year", "period", "group"]
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "period", "group"], name="ledger_figure_unique"),
            _choices_check("ledger_group_valid", "group", LedgerGroup),
            models.CheckConstraint(name="ledger_period_valid", condition=_PERIOD_CHECK),
        ]

    def __str__(self) -> str:
        return str(f"{self.year} {self.group}")


class InvestmentFigure(models.Model):
    namnd = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("period"), max_length=8, choices=PERIOD_CHOICES, default="annual")
    item = models.CharField(_("investering"), max_length=20, choices=InvestmentItem.choices)
    budget_kr = models.DecimalField(_("budget (kr)"), max_digits=15, decimal_places=2)
    outcome_kr = models.DecimalField(_("utfall (kr)"), max_digits=15, decimal_places=2)

    class Meta:
        ordering = ["namnd", "year", "period", "item"]
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "period", "item"], name="investment_figure_unique"),
            _choices_check("investment_item_valid", "item", InvestmentItem),
            models.CheckConstraint(name="investment_period_valid", condition=_PERIOD_CHECK),
        ]

    def __str__(self) -> str:
        return str(f"{self.year} {self.item}")


class PrognosisFigure(models.Model):
    """A forecast of the year's result at one reconciliation ("Fördjupad månadsuppföljning")."""

    namnd = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("år"))
    position = models.PositiveSmallIntegerField(_("ordning"))
    occasion = models.CharField(_("avstämningstillfälle"), max_length=120)
    result_kr = models.DecimalField(_("prognos (kr)"), max_digits=15, decimal_places=2)

    class Meta:
        ordering = ["namnd", "year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "position"], name="prognosis_position_unique"),
            models.UniqueConstraint(fields=["namnd", "year", "occasion"], name="prognosis_occasion_unique"),
        ]

    def __str__(self) -> str:
        return str(f"{self.year} {self.occasion}")


class StaffFigure(models.Model):
    namnd = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("period"), max_length=8, choices=PERIOD_CHOICES, default="annual")
    measure = models.CharField(_("mått"), max_length=30, choices=StaffMeasure.choices)
    value = models.DecimalField(_("värde"), max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["namnd", "year", "period", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "period", "measure"], name="staff_figure_unique"),
            _choices_check("staff_measure_valid", "measure", StaffMeasure),
            models.CheckConstraint(name="staff_period_valid", condition=_PERIOD_CHECK),
            models.CheckConstraint(name="staff_value_not_negative", condition=Q(value__gte=0)),
        ]

    def __str__(self) -> str:
        return str(f"{self.year} {self.measure}")


class SickLeaveFigure(models.Model):
    namnd = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("period"), max_length=8, choices=PERIOD_CHOICES, default="annual")
    group = models.CharField(_("grupp"), max_length=12, choices=SickLeaveGroup.choices)
    sick_hours = models.DecimalField(_("sjuktimmar"), max_digits=14, decimal_places=2)
    ordinary_hours = models.DecimalField(_("ordinarie timmar"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["namnd", "year", "period", "group"]
        constraints = [
            models.UniqueConstraint(fields=["namnd", "year", "period", "group"], name="sick_leave_figure_unique"),
            _choices_check("sick_leave_group_valid", "group", SickLeaveGroup),
            models.CheckConstraint(name="sick_leave_period_valid", condition=_PERIOD_CHECK),
            models.CheckConstraint(
                name="sick_leave_hours_sensible",
                condition=Q(sick_hours__gte=0, ordinary_hours__gt=0, sick_hours__lte=models.F("ordinary_hours")),
            ),
        ]

    def __str__(self) -> str:
        return str(f"{self.year} {self.group}")
