"""Referrals: the public form and the caseworker's, declining, and acceptance with the eligibility rules."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from apps.people.models import Person
from apps.people.selectors import find_person, identity_number_of
from apps.people.services import person_create
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.identity_numbers import InvalidIdentityNumber, parse_identity_number
from lib.participation import age_problems, weeks_after
from lib.pseudonyms import ALPHABET, generate_participant_code
from lib.sensitive_text import Finding, Kind, find_personal_data

from ..models import (
    Enrolment,
    Gender,
    LeaderChange,
    Programme,
    ProgrammeUnit,
    PublicSubmission,
    Referral,
    ReferralChannel,
    ReferralStatus,
    ReferringParty,
)
from .common import (
    PUBLIC_FORM_LIMIT_PER_HOUR,
    _audit,
    _today,
    municipality_of_unit,
    require_unit_access,
)

# --- Referrals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    programme_unit: ProgrammeUnit
    identity_number: str
    first_name: str
    last_name: str
    gender: str
    birth_year: int | None
    residence: Organisation | None
    phone: str
    email: str
    need: str
    criteria_confirmed: list[str]
    sip_held: bool
    sip_date: datetime.date | None
    consent: bool
    protected_identity: bool
    referring_party: str
    referrer_name: str
    referrer_organisation: str
    referrer_contact: str


def _receipt_number() -> str:
    return "IA-" + "".join(secrets.choice(ALPHABET) for _ in range(8))


def _address_digest(context: AuditContext | None) -> str:
    address = (context.address if context else None) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def public_form_allowed(context: AuditContext | None, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=1)
    return (
        PublicSubmission.objects.filter(address_digest=_address_digest(context), submitted_at__gte=since).count()
        < PUBLIC_FORM_LIMIT_PER_HOUR
    )


NO_CONTACT = gettext_lazy(
    "Ange minst ett sätt att nå personen: telefon eller e-post. Annars kan ingen svara på anmälan. "
    "Vill personen inte lämna kontaktuppgifter kan anmälan göras utan samtycke (anonymt)."
)
ANONYMOUS_NEED = gettext_lazy(
    "Anmälan registreras anonymt, så texten om behovet får inte innehålla uppgifter som pekar ut personen: "
    "ta bort uppgiften och beskriv behovet utan den."
)


def _public_problems(data: ReferralInput, errors: FieldProblems, *, anonymous: bool, today: datetime.date) -> None:
    """The public form's own rules: a referral someone is to answer must say how to reach the person,
    and an anonymous one must not carry identifying data in its free text (it is kept as typed)."""
    if not anonymous and not data.phone.strip() and not data.email.strip():
        errors.add("phone", str(NO_CONTACT))
        errors.add("email", _("Ange e-post om personen inte har telefon."))
    if anonymous and data.need.strip():
        for finding in find_personal_data(data.need, today=today):
            errors.add("need", _anonymous_need_message(finding))


def _anonymous_need_message(finding: Finding) -> str:
    if finding.kind == Kind.IDENTITY_NUMBER:
        what = _("ett samordningsnummer") if finding.coordination_number else _("ett personnummer")
    elif finding.kind == Kind.PHONE:
        what = _("ett telefonnummer")
    else:
        what = _("en e-postadress")
    excerpt = " ".join(finding.text.split())
    return _("%(where)s: ”%(excerpt)s” ser ut som %(what)s. %(advice)s") % {
        "where": finding.where,
        "excerpt": excerpt,
        "what": what,
        "advice": ANONYMOUS_NEED,
    }


def public_referral_problems(
    data: ReferralInput, *, programme: Programme | None = None, today: datetime.date | None = None
) -> dict[str, list[str]]:
    """Every problem the public form's submission would meet (field → messages), without saving:
    the form shows them together with its own field errors, in one round."""
    errors, _number = _validate_referral(data, today=today or _today(), public=True, programme=programme)
    return dict(errors)


def _validate_referral(
    data: ReferralInput, *, today: datetime.date, public: bool = False, programme: Programme | None = None
) -> tuple[FieldProblems, Any]:
    errors = FieldProblems()

    programme = programme or data.programme_unit.programme
    anonymous = not data.consent or data.protected_identity
    if public:
        _public_problems(data, errors, anonymous=anonymous, today=today)
    number = None
    if not anonymous:
        try:
            number = parse_identity_number(data.identity_number, today=today)
        except InvalidIdentityNumber as exc:
            errors.add("identity_number", exc.message)
        if not data.first_name.strip():
            errors.add("first_name", _("Ange förnamn."))
        if not data.last_name.strip():
            errors.add("last_name", _("Ange efternamn."))
    elif data.birth_year is None and not data.identity_number:
        errors.add("birth_year", _("Ange födelseår när personen registreras anonymt."))
    elif data.identity_number and data.birth_year is None:
        try:
            number = parse_identity_number(data.identity_number, today=today)
        except InvalidIdentityNumber as exc:
            errors.add("identity_number", exc.message)
    if data.gender not in Gender.values:
        errors.add("gender", _("Välj kön."))
    if data.residence is None or data.residence.parent_id != programme.forbund_id or not data.residence.is_municipality:
        errors.add("residence", _("Personen måste vara folkbokförd i någon av förbundets kommuner."))
    if data.referring_party not in ReferringParty.values:
        errors.add("referring_party", _("Välj vem som gör anmälan."))
    if data.referring_party and data.referring_party != ReferringParty.SELF and not data.referrer_name.strip():
        errors.add("referrer_name", _("Ange remittentens namn."))
    known = {c["code"] for c in programme.eligibility_criteria}
    if set(data.criteria_confirmed) - known:
        errors.add("criteria_confirmed", _("Okänt kriterium."))
    if data.sip_held and data.sip_date is None:
        errors.add("sip_date", _("Ange när SIP/SAMSIP-mötet hölls."))
    if data.sip_date is not None and data.sip_date > today:
        errors.add("sip_date", _("Datumet kan inte ligga i framtiden."))
    return errors, number


def referral_submit(
    *,
    actor: User | None,
    data: ReferralInput,
    channel: str,
    received_on: datetime.date | None = None,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
    public_form: bool = False,
) -> Referral:
    """Register a referral, from the public form (actor None, channel web) or by staff.

    `public_form` adds the public form's own rules (`_public_problems`): a way to reach the person,
    and no identifying data in the free text of an anonymous referral.

    Without consent, or with protected identity, nothing identifying is kept: the number is used
    only to derive the birth year and is then dropped, with the name and contact details."""
    today = today or _today()
    if actor is not None:
        require_unit_access(actor, data.programme_unit)
    elif channel == ReferralChannel.WEB and context is not None and not public_form_allowed(context):
        raise Conflict(_("För många anmälningar från samma adress. Försök igen om en timme eller ring utföraren."))
    errors, number = _validate_referral(data, today=today, public=public_form)
    received_on = received_on or today
    if received_on > today:
        errors.add("received_on", _("Datumet kan inte ligga i framtiden."))
    errors.raise_if_any(_("Anmälan kunde inte tas emot."))
    anonymous = not data.consent or data.protected_identity
    municipality = municipality_of_unit(data.programme_unit)
    with transaction.atomic():
        person: Person | None = None
        if not anonymous:
            assert number is not None
            person = find_person(municipality, number.digits) or person_create(
                actor=None,
                municipality=municipality,
                identity_number=number.digits,
                first_name=data.first_name,
                last_name=data.last_name,
                context=context,
            )
        birth_year = number.birth_year if number is not None else data.birth_year
        assert birth_year is not None and data.residence is not None
        referral = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    referral = Referral.objects.create(
                        programme_unit=data.programme_unit,
                        receipt_number=_receipt_number(),
                        received_on=received_on,
                        channel=channel,
                        person=person,
                        anonymous=anonymous,
                        gender=data.gender,
                        birth_year=birth_year,
                        residence=data.residence,
                        phone="" if anonymous else data.phone.strip(),
                        email="" if anonymous else data.email.strip(),
                        need=data.need.strip(),
                        criteria_confirmed=sorted(set(data.criteria_confirmed)),
                        sip_held=data.sip_held,
                        sip_date=data.sip_date,
                        consent=data.consent,
                        protected_identity=data.protected_identity,
                        referring_party=data.referring_party,
                        referrer_name=data.referrer_name.strip(),
                        referrer_organisation=data.referrer_organisation.strip(),
                        referrer_contact=data.referrer_contact.strip(),
                        status_date=received_on,
                    )
                break
            except IntegrityError:
                continue  # a receipt number collision; draw again
        if referral is None:
            raise Conflict(_("Kunde inte ta fram ett kvittensnummer; försök igen."))
        if channel == ReferralChannel.WEB and context is not None:
            PublicSubmission.objects.create(address_digest=_address_digest(context), submitted_at=timezone.now())
        _audit(
            actor,
            AuditAction.REFERRAL_CREATE,
            unit=data.programme_unit,
            object_type="referral",
            object_id=referral.receipt_number,
            code=person.code if person else "",
            context=context,
            channel=channel,
        )
    return referral


def _require_received(referral: Referral) -> None:
    if referral.status != ReferralStatus.RECEIVED:
        raise Conflict(_("Anmälan är redan %(status)s.") % {"status": referral.get_status_display().lower()})


def referral_decline(
    *,
    actor: User | None,
    referral: Referral,
    reason: str,
    date: datetime.date | None = None,
    withdrawn: bool = False,
    context: AuditContext | None = None,
) -> Referral:
    require_unit_access(actor, referral.programme_unit)
    _require_received(referral)
    if not withdrawn and not reason.strip():
        raise ValidationFailed(_("Ange skäl."), fields={"reason": [_("Ange skälet till att anmälan avböjs.")]})
    date = date or _today()
    if date < referral.received_on or date > _today():
        raise ValidationFailed(
            _("Fel datum."), fields={"date": [_("Datumet måste ligga mellan mottagandet och i dag.")]}
        )
    with transaction.atomic():
        referral.status = ReferralStatus.WITHDRAWN if withdrawn else ReferralStatus.DECLINED
        referral.status_date = date
        referral.decline_reason = reason.strip()
        referral.save(update_fields=["status", "status_date", "decline_reason"])
        _audit(
            actor,
            AuditAction.REFERRAL_UPDATE,
            unit=referral.programme_unit,
            object_type="referral",
            object_id=referral.receipt_number,
            code=referral.person.code if referral.person else "",
            context=context,
            status=referral.status,
        )
    return referral


def _new_code(prefix: str) -> str:
    """A participant's own code, never the person's register code (lib.pseudonyms)."""
    for _attempt in range(10):
        code = generate_participant_code(prefix)
        if not Enrolment.objects.filter(code=code).exists():
            return code
    raise Conflict(_("Kunde inte ta fram en unik kod; försök igen."))


def eligibility_problems(referral: Referral, *, start_date: datetime.date) -> list[tuple[str, str]]:
    programme = referral.programme_unit.programme
    birth_date = None
    if referral.person is not None:
        birth_date = parse_identity_number(identity_number_of(referral.person)).birth_date
    problems = [
        (p.field, p.message)
        for p in age_problems(
            birth_date=birth_date,
            birth_year=referral.birth_year,
            start=start_date,
            age_min=programme.age_min,
            age_max=programme.age_max,
        )
    ]
    if referral.residence.parent_id != programme.forbund_id:
        problems.append(("residence", _("Personen är inte folkbokförd i någon av förbundets kommuner.")))
    for criterion in programme.eligibility_criteria:
        if criterion["code"] not in referral.criteria_confirmed:
            problems.append(
                ("criteria", _("Kriteriet är inte bekräftat: %(criterion)s.") % {"criterion": criterion["label"]})
            )
    return problems


def referral_accept(
    *,
    actor: User | None,
    referral: Referral,
    start_date: datetime.date,
    planned_end_date: datetime.date,
    extent_percent: int,
    leader: User | None,
    override_reason: str = "",
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Enrolment:
    """Accept a referral: check eligibility and the programme's limits, then enrol. A failed
    eligibility check can be overridden only by a manager, with a documented reason."""
    today = today or _today()
    unit = referral.programme_unit
    programme = unit.programme
    require_unit_access(actor, unit)
    _require_received(referral)
    errors = FieldProblems()
    if start_date > today:
        errors.add("start_date", _("Startdatumet kan inte ligga i framtiden; registrera starten när den sker."))
    if start_date < referral.received_on:
        errors.add("start_date", _("Startdatumet kan inte ligga före anmälan."))
    limit = weeks_after(start_date, programme.max_weeks)
    if planned_end_date > limit:
        errors.add(
            "planned_end_date",
            _("Planerat slut kan inte ligga efter %(limit)s: deltagandet får vara högst %(weeks)s veckor.")
            % {"limit": limit.isoformat(), "weeks": programme.max_weeks},
        )
    if planned_end_date < start_date:
        errors.add("planned_end_date", _("Planerat slut kan inte ligga före start."))
    if not 1 <= extent_percent <= programme.max_extent_percent:
        errors.add(
            "extent_percent",
            _("Omfattningen ska vara 1–%(max)s procent av heltid.") % {"max": programme.max_extent_percent},
        )
    if leader is None and actor is not None:
        errors.add("leader", _("Välj ansvarig ledare."))
    elif leader is not None and municipality_of_unit(unit) not in municipalities_with(
        leader, Permission.PARTICIPANT_MANAGE
    ):
        errors.add("leader", _("Ansvarig ledare ska arbeta hos utföraren."))
    eligibility = eligibility_problems(referral, start_date=start_date)
    override = override_reason.strip()
    may_override = actor is not None and municipality_of_unit(unit) in municipalities_with(
        actor, Permission.PARTICIPANT_OVERRIDE
    )
    if eligibility and not override:
        # Every unmet criterion, and on the override field what it takes to enrol anyway.
        for field, message in eligibility:
            errors.add(field if field != "residence" else "criteria", message)
        errors.add(
            "override_reason",
            _("Motivering krävs för att göra undantag från kriterierna.")
            if may_override
            else _("Kriterierna är inte uppfyllda; bara ansvarig chef kan göra undantag, med en motivering."),
        )
    if eligibility and override and not may_override:
        errors.add("override_reason", _("Bara ansvarig chef kan göra undantag från kriterierna."))
    errors.raise_if_any(_("Deltagaren kunde inte skrivas in."))
    with transaction.atomic():
        prefix = municipality_of_unit(unit).code_prefix
        enrolment = Enrolment.objects.create(
            referral=referral,
            programme_unit=unit,
            person=referral.person,
            code=_new_code(prefix),
            gender=referral.gender,
            birth_year=referral.birth_year,
            residence=referral.residence,
            referring_party=referral.referring_party,
            start_date=start_date,
            planned_end_date=planned_end_date,
            extent_percent=extent_percent,
            leader=leader,
            eligibility_override_reason=override if eligibility else "",
            eligibility_override_by=actor if eligibility else None,
        )
        if leader is not None:
            LeaderChange.objects.create(
                enrolment=enrolment,
                leader=leader,
                from_date=start_date,
                reason="Inskrivning",  # i18n: data
            )
        referral.status = ReferralStatus.ACCEPTED
        referral.status_date = start_date
        referral.save(update_fields=["status", "status_date"])
        _audit(
            actor,
            AuditAction.PARTICIPANT_ENROL,
            unit=unit,
            object_type="enrolment",
            object_id=enrolment.code,
            code=enrolment.code,
            context=context,
            override=bool(eligibility),
        )
    return enrolment
