"""Building participant histories through the services."""

from __future__ import annotations

import datetime

from apps.activera.models import ProgrammeUnit, ReferralChannel
from apps.activera.services import ReferralInput, referral_submit
from apps.organisations.models import Organisation
from lib.identity_numbers import LegalSex, fictional_number

FAR_FUTURE = datetime.date(2030, 1, 1)


def unit(slug: str = "alingsas") -> ProgrammeUnit:
    return ProgrammeUnit.objects.get(unit__slug=f"{slug}-activera")


def referral_input(
    programme_unit: ProgrammeUnit,
    *,
    birth: datetime.date = datetime.date(1990, 5, 17),
    sex: LegalSex = LegalSex.FEMALE,
    serial: int = 11,
    consent: bool = True,
    protected: bool = False,
    residence: str = "alingsas",
    gender: str = "kvinna",
    party: str = "arbetsformedlingen",
    all_criteria: bool = True,
    birth_year: int | None = None,
) -> ReferralInput:
    criteria = [c["code"] for c in programme_unit.programme.eligibility_criteria] if all_criteria else []
    return ReferralInput(
        programme_unit=programme_unit,
        identity_number=fictional_number(birth, serial=serial, legal_sex=sex),
        first_name="Fia",
        last_name="Fiktiv",
        gender=gender,
        birth_year=birth_year,
        residence=Organisation.objects.get(slug=residence),
        phone="070-000 00 00",
        email="fia@example.invalid",
        need="Vill komma tillbaka till arbete",
        criteria_confirmed=criteria,
        sip_held=True,
        sip_date=datetime.date(2026, 1, 2),
        consent=consent,
        protected_identity=protected,
        referring_party=party,
        referrer_name="R. Remittent",
        referrer_organisation="Arbetsförmedlingen",
        referrer_contact="remittent@example.invalid",
    )


def refer(programme_unit: ProgrammeUnit, received_on: datetime.date = datetime.date(2026, 1, 5), **kwargs):  # type: ignore[no-untyped-def]
    return referral_submit(
        actor=None,
        data=referral_input(programme_unit, **kwargs),
        channel=ReferralChannel.PHONE,
        received_on=received_on,
        today=FAR_FUTURE,
    )


EXECUTORS = ["alingsas", "harryda", "lerum", "molndal", "partille"]


def caseworker(slug: str):  # type: ignore[no-untyped-def]
    """The unit's caseworker persona (created on first use)."""
    from apps.accounts.models import User
    from tests.conftest import make_user

    username = f"hl.{slug}"
    return User.objects.filter(username=username).first() or make_user(
        username, "executor_caseworker", f"{slug}-activera"
    )


def deliver(slug: str, kind: str, year: int, period: int = 0, **kwargs):  # type: ignore[no-untyped-def]
    from apps.activera.deliveries import delivery_submit

    return delivery_submit(
        actor=caseworker(slug), unit=unit(slug), kind=kind, year=year, period=period, today=FAR_FUTURE, **kwargs
    )


def deliver_all(kind: str, year: int, period: int = 0, slugs=EXECUTORS):  # type: ignore[no-untyped-def]
    """Every executor delivers the period (the last one releases it to the förbund)."""
    return [deliver(slug, kind, year, period) for slug in slugs]
