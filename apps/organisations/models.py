from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    FORBUND = "forbund", _("Samordningsförbund")
    MUNICIPALITY = "municipality", _("Kommun")
    STATE_AGENCY = "state_agency", _("Statlig myndighet")
    REGION = "region", _("Region")
    EXECUTOR_UNIT = "executor_unit", _("Utförare")
    SOCIAL_COMMITTEE = "social_committee", _("Socialnämnd")


UNIT_KINDS = (OrganisationKind.EXECUTOR_UNIT, OrganisationKind.SOCIAL_COMMITTEE)


class Organisation(models.Model):
    """A node of the tree: förbund → members → units inside a municipality."""

    slug = models.SlugField(_("kortnamn"), max_length=64, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("ingår i")
    )
    organisation_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    # Three capital letters that open every pseudonymous code of the municipality (ALI-…).
    code_prefix = models.CharField(_("kodprefix"), max_length=3, blank=True)
    population = models.PositiveIntegerField(_("folkmängd"), null=True, blank=True)
    population_date = models.DateField(_("folkmängd per"), null=True, blank=True)
    population_source = models.CharField(_("källa för folkmängd"), max_length=200, blank=True)
    # A förbund's own threshold for small counts in what its executors deliver (empty: the
    # deployment's INSYN_SUPPRESSION_THRESHOLD).
    suppression_threshold = models.PositiveSmallIntegerField(_("minsta antal som visas"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.CheckConstraint(
                name="organisation_kind_valid",
                condition=Q(kind__in=[choice.value for choice in OrganisationKind]),
            ),
            models.CheckConstraint(
                name="municipality_has_code_prefix",
                condition=~Q(kind="municipality") | Q(code_prefix__regex=r"^[A-Z]{3}$"),
            ),
            models.UniqueConstraint(fields=["code_prefix"], condition=~Q(code_prefix=""), name="code_prefix_unique"),
            models.CheckConstraint(
                name="suppression_threshold_sensible",
                condition=Q(suppression_threshold__isnull=True)
                | Q(kind="forbund", suppression_threshold__gte=2, suppression_threshold__lte=50),
            ),
            models.CheckConstraint(
                name="unit_has_parent",
                condition=~Q(kind__in=[k.value for k in UNIT_KINDS]) | Q(parent__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind == OrganisationKind.MUNICIPALITY


class Letterhead(models.Model):
    """What an organisation's documents carry at the head of their first page: its logo (PNG or
    SVG, kept in the database, never served as a public media file) and an address line."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="letterhead", verbose_name=_("organisation")
    )
    logo = models.BinaryField(_("logotyp"), blank=True, default=b"")
    logo_content_type = models.CharField(_("logotypens filtyp"), max_length=32, blank=True)
    address_line = models.CharField(_("adressrad"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("brevhuvud")
        verbose_name_plural = _("brevhuvuden")
        constraints = [
            models.CheckConstraint(
                name="letterhead_logo_type_valid",
                condition=Q(logo_content_type__in=["", "image/png", "image/svg+xml"]),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)
