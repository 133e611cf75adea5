from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LegalSex(models.TextChoices):
    FEMALE = "female", _("Kvinna")
    MALE = "male", _("Man")


class Person(models.Model):
    """One person in one municipality's registry. The same human in two municipalities is two
    unrelated rows: the look-up hash is keyed with the municipality, and the code is random."""

    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="people", verbose_name=_("kommun")
    )
    code = models.CharField(_("kod"), max_length=10, unique=True)
    # AES-GCM ciphertext "v1:<key id>:<payload>" of the 12-digit number; the key id column lets
    # `insyn keys rotate` find rows still under an old key.
    identity_number_encrypted = models.TextField(_("krypterat personnummer"))
    key_id = models.CharField(_("nyckel-id"), max_length=32, db_index=True)
    identity_number_hash = models.CharField(_("sökhash"), max_length=64)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    legal_sex = models.CharField(_("juridiskt kön"), max_length=6, choices=LegalSex.choices)
    is_coordination_number = models.BooleanField(_("samordningsnummer"), default=False)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )

    class Meta:
        ordering = ["last_name", "first_name", "code"]
        indexes = [
            models.Index(
                fields=["municipality", "last_name", "first_name", "code"], name="person_municipality_name_idx"
            )
        ]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "identity_number_hash"], name="person_unique_in_municipality"
            ),
            models.CheckConstraint(
                name="person_code_format", condition=Q(code__regex=r"^[A-Z]{3}-[ACDEFHJKMNPQRTVWXY3479]{6}$")
            ),
            models.CheckConstraint(name="person_legal_sex_valid", condition=Q(legal_sex__in=["female", "male"])),
            models.CheckConstraint(
                name="person_birth_year_plausible", condition=Q(birth_year__gte=1880, birth_year__lte=2200)
            ),
        ]

    def __str__(self) -> str:
        return self.code
