"""Referrals (intresseanmälningar) and the public referral form's rate limit, with the choices a
referral shares with the enrolment that may follow it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .programme import ProgrammeUnit


class Gender(models.TextChoices):
    """As the person states it (not legal sex)."""

    WOMAN = "kvinna", _("Kvinna")
    MAN = "man", _("Man")
    OTHER = "annat", _("Annat/vill inte ange")


class ReferringParty(models.TextChoices):
    EMPLOYMENT_SERVICE = "arbetsformedlingen", _("Arbetsförmedlingen")
    SOCIAL_INSURANCE = "forsakringskassan", _("Försäkringskassan")
    REGION = "region", _("Regionens hälso- och sjukvård")
    SOCIAL_SERVICES = "kommun_socialtjanst", _("Kommunens socialtjänst")
    MUNICIPALITY_OTHER = "kommun_annan", _("Kommunen, annan verksamhet")
    SELF = "egen_anmalan", _("Egen anmälan")


class ReferralChannel(models.TextChoices):
    WEB = "web", _("Webbformulär")
    PHONE = "phone", _("Telefon")
    PAPER = "paper", _("Papper")
    IMPORT = "import", _("Import")


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Mottagen")
    ACCEPTED = "accepted", _("Inskriven")
    DECLINED = "declined", _("Avböjd")
    WITHDRAWN = "withdrawn", _("Återkallad")


class Referral(models.Model):
    """An intresseanmälan. When the person does not consent to registration, or has protected
    identity, no name, number or contact detail is kept: only gender, birth year and residence."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="referrals")
    receipt_number = models.CharField(_("kvittensnummer"), max_length=20, unique=True)
    received_on = models.DateField(_("mottagen"))
    channel = models.CharField(_("kanal"), max_length=10, choices=ReferralChannel.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    anonymous = models.BooleanField(_("anonym registrering"), default=False)
    gender = models.CharField(_("kön"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    residence = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("folkbokföringskommun")
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.CharField(_("e-post"), max_length=200, blank=True)
    need = models.TextField(_("behov med egna ord"), blank=True)
    criteria_confirmed = models.JSONField(_("bekräftade kriterier"), default=list)
    sip_held = models.BooleanField(_("SIP/SAMSIP hållen"), default=False)
    sip_date = models.DateField(_("datum för SIP/SAMSIP"), null=True, blank=True)
    consent = models.BooleanField(_("samtycke till registrering"), default=False)
    protected_identity = models.BooleanField(_("skyddad identitet"), default=False)
    referring_party = models.CharField(_("initierande part"), max_length=24, choices=ReferringParty.choices)
    referrer_name = models.CharField(_("remittentens namn"), max_length=150, blank=True)
    referrer_organisation = models.CharField(_("remittentens organisation"), max_length=150, blank=True)
    referrer_contact = models.CharField(_("remittentens kontaktuppgifter"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    status_date = models.DateField(_("statusdatum"))
    decline_reason = models.TextField(_("skäl"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        # The unit's new referrals on the caseworker's start page.
        indexes = [models.Index(fields=["programme_unit", "status", "received_on"], name="referral_unit_status_idx")]
        constraints = [
            models.CheckConstraint(
                name="referral_anonymous_has_no_person", condition=Q(anonymous=False) | Q(person__isnull=True)
            ),
            models.CheckConstraint(
                name="referral_anonymous_has_no_contact", condition=Q(anonymous=False) | (Q(phone="") & Q(email=""))
            ),
            models.CheckConstraint(
                name="referral_identified_has_person", condition=Q(anonymous=True) | Q(person__isnull=False)
            ),
            models.CheckConstraint(name="referral_status_valid", condition=Q(status__in=ReferralStatus.values)),
            models.CheckConstraint(name="referral_gender_valid", condition=Q(gender__in=Gender.values)),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class PublicSubmission(models.Model):
    """When the public referral form was used from an address (keyed hash only), to limit robots."""

    address_digest = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.submitted_at.isoformat()
