"""Deliveries to the förbund: narratives, submitted deliveries, the förbund's releases of a period and
the agreement's terms for how a delivery is protected."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .programme import Programme, ProgrammeUnit


class DeliveryKind(models.TextChoices):
    MONTHLY = "monthly", _("Intresseanmälningar per månad")
    TERTIAL = "tertial", _("Progression och frågor om våld per tertial")
    INTERIM = "interim", _("Delårsredovisning januari–augusti")
    ANNUAL = "annual", _("Helårsredovisning")


class Narrative(models.Model):
    """The verksamhetsberättelse the executor writes for an interim or full-year delivery."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.CASCADE, related_name="narratives")
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    year = models.PositiveSmallIntegerField()
    text = models.TextField(_("verksamhetsberättelse"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme_unit", "kind", "year"], name="narrative_unique")]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.kind} {self.year}"


class Delivery(models.Model):
    """A submitted delivery to the förbund, frozen as it was submitted: `raw` holds the counts as
    they were (never shown outside the municipality), `hidden` the cells suppression hid, decided
    jointly with everything the förbund had already received (apps.activera.releases), and
    `content` exactly what the förbund sees."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(_("leverans"), max_length=10, choices=DeliveryKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.PositiveSmallIntegerField(_("månad eller tertial"), default=0)
    content = models.JSONField(_("innehåll"))
    raw = models.JSONField(_("underlag (internt)"), default=dict)
    hidden = models.JSONField(_("dolda celler"), default=list)
    # When the förbund could first see it: with the whole period (apps.activera.releases).
    released_at = models.DateTimeField(_("publicerad för förbundet"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("inlämnad"))
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_unit", "kind", "year", "period"], name="one_delivery_per_period"
            ),
            models.CheckConstraint(name="delivery_kind_valid", condition=Q(kind__in=DeliveryKind.values)),
            models.CheckConstraint(
                name="delivery_period_fits_kind",
                condition=(
                    Q(kind="monthly", period__gte=1, period__lte=12)
                    | Q(kind="tertial", period__gte=1, period__lte=3)
                    | Q(kind__in=["interim", "annual"], period=0)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.kind} {self.year}/{self.period}"

    @property
    def period_label(self) -> str:
        if self.kind == DeliveryKind.MONTHLY:
            return f"{self.year}-{self.period:02d}"
        if self.kind == DeliveryKind.TERTIAL:
            return f"T{self.period} {self.year}"
        return str(self.year)


class ForbundRelease(models.Model):
    """The publication of one period to the förbund: every executor's delivery of the period and
    their sum, decided together, once – when the last executor owing the period delivers, or when
    the office closes the period over those that have. A delivery that comes in after that is
    published on its own and stays outside the sum. One sum only, so no difference between two sums
    ever singles out one executor's figures."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="releases")
    kind = models.CharField(_("leverans"), max_length=10, choices=DeliveryKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.PositiveSmallIntegerField(_("månad eller tertial"), default=0)
    deliveries = models.ManyToManyField(Delivery, related_name="releases")
    content = models.JSONField(_("innehåll"))
    raw = models.JSONField(_("underlag (internt)"), default=dict)
    hidden = models.JSONField(_("dolda celler"), default=list)
    released_at = models.DateTimeField(_("publicerad"))
    # Empty when the release followed the last executor's delivery; the officer when closed early.
    closed_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind", "year", "period"], name="one_release_per_period"),
            models.CheckConstraint(name="release_kind_valid", condition=Q(kind__in=DeliveryKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.kind} {self.year}/{self.period}"


class DeliveryTerms(models.Model):
    """What an executor's agreement for a year says about how a delivery is protected. Only the
    monthly referral counts may be delivered without protection of small counts, and only where
    the agreement explicitly asks for it (`clause` quotes or cites it)."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.CASCADE, related_name="delivery_terms")
    year = models.PositiveSmallIntegerField(_("år"))
    monthly_unprotected = models.BooleanField(_("månadsrapporten utan skydd för små antal"), default=False)
    clause = models.CharField(_("överenskommelsens lydelse"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme_unit", "year"], name="one_terms_per_executor_and_year"),
            models.CheckConstraint(
                name="unprotected_needs_clause", condition=Q(monthly_unprotected=False) | ~Q(clause="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.year}"
