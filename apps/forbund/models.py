"""The förbund's own records: the year's budget and financing, the agreements with the executors,
their tertial invoices. Amounts are whole kronor."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Budget(models.Model):
    """A förbund's budget for one year, built on the state allocation as entered."""

    forbund = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("år"))
    state_allocation = models.PositiveBigIntegerField(_("statlig tilldelning (kr)"))
    allocation_note = models.CharField(_("om tilldelningen"), max_length=200, blank=True)
    population_date = models.DateField(_("folkmängd per"))
    adopted_on = models.DateField(_("fastställd av styrelsen"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("budget")
        constraints = [
            models.UniqueConstraint(fields=["forbund", "year"], name="one_budget_per_forbund_and_year"),
            models.CheckConstraint(name="budget_year_plausible", condition=Q(year__gte=2004, year__lte=2100)),
        ]

    def __str__(self) -> str:
        return f"{self.forbund} {self.year}"


class BudgetPopulation(models.Model):
    """The population each municipality's share was computed from, kept with the budget so a later
    update of the register does not change a decided budget."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="populations")
    municipality = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField(_("folkmängd"))

    class Meta:
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "municipality"], name="one_population_per_member"),
            models.CheckConstraint(name="population_positive", condition=Q(population__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.population}"


class BudgetGroup(models.TextChoices):
    RUNNING = "running", _("Övergripande driftskostnader")
    STRUCTURAL = "structural", _("Strukturövergripande insatser")
    INDIVIDUAL = "individual", _("Individinriktade insatser")
    EQUITY = "equity", _("Utöver tilldelningen, belastar eget kapital")


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    group = models.CharField(_("grupp"), max_length=12, choices=BudgetGroup.choices)
    label = models.CharField(_("post"), max_length=200)
    # None: a heading the plan lists without an amount (the seed's "Kartläggning").
    amount = models.PositiveBigIntegerField(_("belopp (kr)"), null=True, blank=True)
    places = models.PositiveIntegerField(_("platser (ca)"), null=True, blank=True)
    executor = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utförare"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(name="budget_line_group_valid", condition=Q(group__in=BudgetGroup.values)),
            models.CheckConstraint(
                name="places_and_executor_only_for_individual_measures",
                condition=Q(group="individual") | (Q(places__isnull=True) & Q(executor__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Agreement(models.Model):
    """An överenskommelse with one executor for one year."""

    forbund = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="agreements")
    programme_unit = models.ForeignKey(
        "activera.ProgrammeUnit", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("utförare")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    reference = models.CharField(_("diarienummer"), max_length=40, blank=True)
    executor_party = models.CharField(_("utförande part"), max_length=200)
    period_start = models.DateField(_("gäller från"))
    period_end = models.DateField(_("gäller till"))
    max_amount = models.PositiveBigIntegerField(_("avtalad summa, högst (kr)"))
    places = models.PositiveIntegerField(_("platser (ca)"))
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    signed_by_forbund_on = models.DateField(_("undertecknad av förbundet"), null=True, blank=True)
    signed_by_executor_on = models.DateField(_("undertecknad av utföraren"), null=True, blank=True)
    # The agreement's dates stand; only an agreement that says so moves a due date off a weekend or
    # holiday (lib.deadlines).
    due_dates_move_to_working_day = models.BooleanField(
        _("förfallodag som inte är vardag flyttas till nästa vardag"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "programme_unit__unit__name"]
        verbose_name = _("överenskommelse")
        constraints = [
            models.UniqueConstraint(fields=["programme_unit", "year"], name="one_agreement_per_executor_and_year"),
            models.CheckConstraint(name="agreement_period_ordered", condition=Q(period_end__gte=F("period_start"))),
        ]

    def __str__(self) -> str:
        return f"{self.executor_party} {self.year}"


class DeliverableKind(models.TextChoices):
    MONTHLY = "monthly", _("Intresseanmälningar per kön och initierande part, månadsvis")
    TERTIAL = "tertial", _("Progressionsmätning och frågor om våld, tertialvis")
    INTERIM = "interim", _("Delårsredovisning januari–augusti med verksamhetsberättelse")
    ANNUAL = "annual", _("Helårsredovisning med verksamhetsberättelse")
    LEXHELLER = "lexheller", _("Lex Heller-rapporter, löpande")


class AgreementDeliverable(models.Model):
    """What the executor delivers and when: on `day_of_month` of the month `months_after` months
    after the period ends (moved to the next working day). Lex Heller has no deadline."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="deliverables")
    kind = models.CharField(_("leverans"), max_length=12, choices=DeliverableKind.choices)
    months_after = models.PositiveSmallIntegerField(_("månader efter periodens slut"), null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(_("dag i månaden"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="one_deliverable_per_kind"),
            models.CheckConstraint(name="deliverable_kind_valid", condition=Q(kind__in=DeliverableKind.values)),
            models.CheckConstraint(
                name="deliverable_deadline_complete",
                condition=(Q(kind="lexheller") & Q(months_after__isnull=True) & Q(day_of_month__isnull=True))
                | (~Q(kind="lexheller") & Q(months_after__lte=12) & Q(day_of_month__gte=1) & Q(day_of_month__lte=28)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.kind}"


class InvoiceStatus(models.TextChoices):
    TO_SEND = "to_send", _("Att skicka")
    SENT = "sent", _("Skickad")
    PAID = "paid", _("Betald")


class Invoice(models.Model):
    """The executor's invoice to the förbund for one tertial of an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="invoices")
    tertial = models.PositiveSmallIntegerField(_("tertial"))
    amount = models.PositiveBigIntegerField(_("belopp (kr)"))
    status = models.CharField(_("status"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.TO_SEND)
    sent_on = models.DateField(_("skickad"), null=True, blank=True)
    paid_on = models.DateField(_("betald"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "tertial"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "tertial"], name="one_invoice_per_tertial"),
            models.CheckConstraint(name="invoice_tertial_valid", condition=Q(tertial__gte=1, tertial__lte=3)),
            models.CheckConstraint(
                name="invoice_status_dates",
                condition=(Q(status="to_send") & Q(sent_on__isnull=True) & Q(paid_on__isnull=True))
                | (Q(status="sent") & Q(sent_on__isnull=False) & Q(paid_on__isnull=True))
                | (Q(status="paid") & Q(sent_on__isnull=False) & Q(paid_on__gte=F("sent_on"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}"

    @property
    def number(self) -> str:
        return f"{self.agreement.year}-{self.agreement.programme_unit.unit.slug}-T{self.tertial}"
