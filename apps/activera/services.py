from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.models import AuditAction
from apps.audit.services import audit_record, client_ip
from apps.core.concurrency import update_if_unchanged
from apps.organisations.models import Organisation, OrganisationKind
from apps.organisations.selectors import municipality_of
from apps.people.models import Person
from apps.people.selectors import find_person, identity_number_of
from apps.people.services import person_create
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.identity_numbers import InvalidIdentityNumber, parse_identity_number
from lib.participation import Problem, age_problems, date_limit_problems, introduction_problems, weeks_after
from lib.pseudonyms import ALPHABET, generate_participant_code

from .models import (
    ActionPlanGoal,
    Activity,
    ActivityType,
    Enrolment,
    ExitReason,
    Gender,
    Indicator,
    LeaderChange,
    Measurement,
    MeasurementAnswer,
    MeasurementKind,
    MeetingDecision,
    MultiPartyMeeting,
    OccupationAfter,
    Programme,
    ProgrammeUnit,
    PublicSubmission,
    Referral,
    ReferralChannel,
    ReferralStatus,
    ReferringParty,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
PUBLIC_FORM_LIMIT_PER_HOUR = 5


def _today() -> datetime.date:
    return timezone.localdate()


def _errors(problems: list[Any]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(problem.field, []).append(problem.message)
    return fields


def municipality_of_unit(programme_unit: ProgrammeUnit) -> Organisation:
    municipality = municipality_of(programme_unit.unit)
    assert municipality is not None
    return municipality


def require_unit_access(
    actor: User | None, programme_unit: ProgrammeUnit, permission: Permission = Permission.PARTICIPANT_MANAGE
) -> None:
    if actor is not None and municipality_of_unit(programme_unit) not in municipalities_with(actor, permission):
        raise NotPermitted("Du får inte arbeta med deltagare i den kommunen.")


def _audit(
    actor: User | None,
    action: AuditAction,
    *,
    unit: ProgrammeUnit,
    object_type: str,
    object_id: str,
    code: str = "",
    request: HttpRequest | None = None,
    **details: object,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        request=request,
        object_type=object_type,
        object_id=object_id,
        person_code=code,
        municipality_slug=municipality_of_unit(unit).slug,
        details=details,
    )


# --- Programme set-up ------------------------------------------------------------------------


def programme_load(*, name: str) -> Programme:
    """Load a programme's rules, criteria, indicators, activity types and units from data. Idempotent."""
    path = DATA_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        forbund = Organisation.objects.get(slug=data["forbund"], kind=OrganisationKind.FORBUND)
        programme, _ = Programme.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "forbund": forbund,
                "name": data["name"],
                "eligibility_criteria": data["eligibility_criteria"],
                "violence_questions": data["violence_questions"],
                **data["rules"],
            },
        )
        for position, item in enumerate(data["indicators"], start=1):
            Indicator.objects.update_or_create(
                programme=programme,
                code=item["code"],
                defaults={"label": item["label"], "respondent": item["respondent"], "position": position},
            )
        for item in data["activity_types"]:
            ActivityType.objects.update_or_create(
                programme=programme, code=item["code"], defaults={"label": item["label"]}
            )
        for item in data["units"]:
            ProgrammeUnit.objects.update_or_create(
                programme=programme,
                unit=Organisation.objects.get(slug=item["unit"]),
                defaults={
                    "places": item["places"],
                    "period_start": datetime.date.fromisoformat(data["period_start"]),
                    "period_end": datetime.date.fromisoformat(data["period_end"]),
                },
            )
    return programme


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


def _address_digest(request: HttpRequest | None) -> str:
    address = client_ip(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def public_form_allowed(request: HttpRequest | None, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=1)
    return (
        PublicSubmission.objects.filter(address_digest=_address_digest(request), submitted_at__gte=since).count()
        < PUBLIC_FORM_LIMIT_PER_HOUR
    )


def _validate_referral(data: ReferralInput, *, today: datetime.date) -> tuple[dict[str, list[str]], Any]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    programme = data.programme_unit.programme
    anonymous = not data.consent or data.protected_identity
    number = None
    if not anonymous:
        try:
            number = parse_identity_number(data.identity_number, today=today)
        except InvalidIdentityNumber as exc:
            add("identity_number", exc.message)
        if not data.first_name.strip():
            add("first_name", "Ange förnamn.")
        if not data.last_name.strip():
            add("last_name", "Ange efternamn.")
    elif data.birth_year is None and not data.identity_number:
        add("birth_year", "Ange födelseår när personen registreras anonymt.")
    elif data.identity_number and data.birth_year is None:
        try:
            number = parse_identity_number(data.identity_number, today=today)
        except InvalidIdentityNumber as exc:
            add("identity_number", exc.message)
    if data.gender not in Gender.values:
        add("gender", "Välj kön.")
    if data.residence is None or data.residence.parent_id != programme.forbund_id or not data.residence.is_municipality:
        add("residence", "Personen måste vara folkbokförd i någon av förbundets kommuner.")
    if data.referring_party not in ReferringParty.values:
        add("referring_party", "Välj vem som gör anmälan.")
    if data.referring_party and data.referring_party != ReferringParty.SELF and not data.referrer_name.strip():
        add("referrer_name", "Ange remittentens namn.")
    known = {c["code"] for c in programme.eligibility_criteria}
    if set(data.criteria_confirmed) - known:
        add("criteria_confirmed", "Okänt kriterium.")
    if data.sip_held and data.sip_date is None:
        add("sip_date", "Ange när SIP/SAMSIP-mötet hölls.")
    if data.sip_date is not None and data.sip_date > today:
        add("sip_date", "Datumet kan inte ligga i framtiden.")
    return errors, number


def referral_submit(
    *,
    actor: User | None,
    data: ReferralInput,
    channel: str,
    received_on: datetime.date | None = None,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Referral:
    """Register a referral, from the public form (actor None, channel web) or by staff.

    Without consent, or with protected identity, nothing identifying is kept: the number is used
    only to derive the birth year and is then dropped, with the name and contact details."""
    today = today or _today()
    if actor is not None:
        require_unit_access(actor, data.programme_unit)
    elif channel == ReferralChannel.WEB and request is not None and not public_form_allowed(request):
        raise Conflict("För många anmälningar från samma adress. Försök igen om en timme eller ring utföraren.")
    errors, number = _validate_referral(data, today=today)
    received_on = received_on or today
    if received_on > today:
        errors.setdefault("received_on", []).append("Datumet kan inte ligga i framtiden.")
    if errors:
        raise ValidationFailed("Anmälan kunde inte tas emot.", fields=errors)
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
                request=request,
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
            raise Conflict("Kunde inte ta fram ett kvittensnummer; försök igen.")
        if channel == ReferralChannel.WEB and request is not None:
            PublicSubmission.objects.create(address_digest=_address_digest(request), submitted_at=timezone.now())
        _audit(
            actor,
            AuditAction.REFERRAL_CREATE,
            unit=data.programme_unit,
            object_type="referral",
            object_id=referral.receipt_number,
            code=person.code if person else "",
            request=request,
            channel=channel,
        )
    return referral


def _require_received(referral: Referral) -> None:
    if referral.status != ReferralStatus.RECEIVED:
        raise Conflict(f"Anmälan är redan {referral.get_status_display().lower()}.")


def referral_decline(
    *,
    actor: User | None,
    referral: Referral,
    reason: str,
    date: datetime.date | None = None,
    withdrawn: bool = False,
    request: HttpRequest | None = None,
) -> Referral:
    require_unit_access(actor, referral.programme_unit)
    _require_received(referral)
    if not withdrawn and not reason.strip():
        raise ValidationFailed("Ange skäl.", fields={"reason": ["Ange skälet till att anmälan avböjs."]})
    date = date or _today()
    if date < referral.received_on or date > _today():
        raise ValidationFailed("Fel datum.", fields={"date": ["Datumet måste ligga mellan mottagandet och i dag."]})
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
            request=request,
            status=referral.status,
        )
    return referral


def _new_code(prefix: str) -> str:
    """A participant's own code, never the person's register code (lib.pseudonyms)."""
    for _ in range(10):
        code = generate_participant_code(prefix)
        if not Enrolment.objects.filter(code=code).exists():
            return code
    raise Conflict("Kunde inte ta fram en unik kod; försök igen.")


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
        problems.append(("residence", "Personen är inte folkbokförd i någon av förbundets kommuner."))
    for criterion in programme.eligibility_criteria:
        if criterion["code"] not in referral.criteria_confirmed:
            problems.append(("criteria", f"Kriteriet är inte bekräftat: {criterion['label']}."))
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
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Enrolment:
    """Accept a referral: check eligibility and the programme's limits, then enrol. A failed
    eligibility check can be overridden only by a manager, with a documented reason."""
    today = today or _today()
    unit = referral.programme_unit
    programme = unit.programme
    require_unit_access(actor, unit)
    _require_received(referral)
    errors: dict[str, list[str]] = {}
    if start_date > today:
        errors.setdefault("start_date", []).append(
            "Startdatumet kan inte ligga i framtiden; registrera starten när den sker."
        )
    if start_date < referral.received_on:
        errors.setdefault("start_date", []).append("Startdatumet kan inte ligga före anmälan.")
    limit = weeks_after(start_date, programme.max_weeks)
    if planned_end_date > limit:
        errors.setdefault("planned_end_date", []).append(
            f"Planerat slut kan inte ligga efter {limit.isoformat()}: "
            f"deltagandet får vara högst {programme.max_weeks} veckor."
        )
    if planned_end_date < start_date:
        errors.setdefault("planned_end_date", []).append("Planerat slut kan inte ligga före start.")
    if not 1 <= extent_percent <= programme.max_extent_percent:
        errors.setdefault("extent_percent", []).append(
            f"Omfattningen ska vara 1–{programme.max_extent_percent} procent av heltid."
        )
    if leader is None and actor is not None:
        errors.setdefault("leader", []).append("Välj ansvarig ledare.")
    elif leader is not None and municipality_of_unit(unit) not in municipalities_with(
        leader, Permission.PARTICIPANT_MANAGE
    ):
        errors.setdefault("leader", []).append("Ansvarig ledare ska arbeta hos utföraren.")
    eligibility = eligibility_problems(referral, start_date=start_date)
    override = override_reason.strip()
    may_override = actor is not None and municipality_of_unit(unit) in municipalities_with(
        actor, Permission.PARTICIPANT_OVERRIDE
    )
    if eligibility and not override:
        # Every unmet criterion, and on the override field what it takes to enrol anyway.
        for field, message in eligibility:
            errors.setdefault(field if field != "residence" else "criteria", []).append(message)
        errors.setdefault("override_reason", []).append(
            "Motivering krävs för att göra undantag från kriterierna."
            if may_override
            else "Kriterierna är inte uppfyllda; bara ansvarig chef kan göra undantag, med en motivering."
        )
    if eligibility and override and not may_override:
        errors.setdefault("override_reason", []).append("Bara ansvarig chef kan göra undantag från kriterierna.")
    if errors:
        raise ValidationFailed("Deltagaren kunde inte skrivas in.", fields=errors)
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
            LeaderChange.objects.create(enrolment=enrolment, leader=leader, from_date=start_date, reason="Inskrivning")
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
            request=request,
            override=bool(eligibility),
        )
    return enrolment


# --- During participation --------------------------------------------------------------------


def _meeting(enrolment: Enrolment) -> MultiPartyMeeting | None:
    try:
        return enrolment.meeting
    except MultiPartyMeeting.DoesNotExist:
        return None


def _dated_entry_problems(
    enrolment: Enrolment, day: datetime.date | None, *, field: str, label: str, today: datetime.date
) -> dict[str, list[str]]:
    if day is None:
        return {field: ["Ange datum."]}
    programme = enrolment.programme_unit.programme
    problems = date_limit_problems(
        field=field, day=day, start=enrolment.start_date, max_weeks=programme.max_weeks, today=today, label=label
    )
    meeting = _meeting(enrolment)
    problems += introduction_problems(
        day=day,
        start=enrolment.start_date,
        intro_weeks=programme.intro_max_weeks,
        meeting_date=meeting.date if meeting else None,
        meeting_continues=(meeting.decision == MeetingDecision.CONTINUE) if meeting else None,
        field=field,
    )
    if enrolment.exit_date is not None and day > enrolment.exit_date:
        problems.append(Problem(field, f"{label} kan inte ligga efter avslutet {enrolment.exit_date}."))
    return _errors(problems)


def activity_add(
    *,
    actor: User,
    enrolment: Enrolment,
    date: datetime.date | None,
    activity_type: ActivityType,
    mode: str,
    digital: bool,
    attended: bool,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Activity:
    require_unit_access(actor, enrolment.programme_unit)
    errors = _dated_entry_problems(enrolment, date, field="date", label="Aktiviteten", today=today or _today())
    if activity_type.programme_id != enrolment.programme_unit.programme_id:
        errors.setdefault("activity_type", []).append("Aktiviteten hör inte till programmet.")
    if errors:
        raise ValidationFailed("Aktiviteten kunde inte sparas.", fields=errors)
    assert date is not None
    with transaction.atomic():
        activity = Activity.objects.create(
            enrolment=enrolment, date=date, activity_type=activity_type, mode=mode, digital=digital, attended=attended
        )
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="activity",
            object_id=str(activity.pk),
            code=enrolment.code,
            request=request,
        )
    return activity


def measurement_add(
    *,
    actor: User,
    enrolment: Enrolment,
    date: datetime.date | None,
    kind: str,
    answers: Mapping[str, int | None],
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Measurement:
    """One answer per indicator on the programme's scale; the first measurement is made during the
    introduction."""
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors = _dated_entry_problems(enrolment, date, field="date", label="Mätningen", today=today or _today())
    if kind not in MeasurementKind.values:
        errors.setdefault("kind", []).append("Välj slag av mätning.")
    existing_first = enrolment.measurements.filter(kind=MeasurementKind.FIRST).exists()
    if kind == MeasurementKind.FIRST and existing_first:
        errors.setdefault("kind", []).append("Den första mätningen är redan gjord.")
    if kind != MeasurementKind.FIRST and not existing_first:
        errors.setdefault("kind", []).append("Gör den första mätningen först.")
    if (
        kind == MeasurementKind.FIRST
        and date is not None
        and date > weeks_after(enrolment.start_date, programme.intro_max_weeks)
    ):
        errors.setdefault("date", []).append("Den första mätningen görs under introduktionen.")
    indicators = list(programme.indicators.all())
    for indicator in indicators:
        value = answers.get(indicator.code)
        if value is None:
            errors.setdefault(f"indicator_{indicator.code}", []).append("Ange ett värde.")
        elif not programme.scale_min <= value <= programme.scale_max:
            errors.setdefault(f"indicator_{indicator.code}", []).append(
                f"Värdet ska vara {programme.scale_min}–{programme.scale_max}."
            )
    if errors:
        raise ValidationFailed("Mätningen kunde inte sparas.", fields=errors)
    assert date is not None
    with transaction.atomic():
        measurement = Measurement.objects.create(enrolment=enrolment, date=date, kind=kind)
        MeasurementAnswer.objects.bulk_create(
            [MeasurementAnswer(measurement=measurement, indicator=i, value=answers[i.code]) for i in indicators]  # type: ignore[misc]
        )
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="measurement",
            object_id=str(measurement.pk),
            code=enrolment.code,
            request=request,
            kind=kind,
        )
    return measurement


def goal_add(
    *,
    actor: User,
    enrolment: Enrolment,
    indicator: Indicator,
    goal: str,
    activities: str,
    review_date: datetime.date | None,
    request: HttpRequest | None = None,
) -> ActionPlanGoal:
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors: dict[str, list[str]] = {}
    if not enrolment.measurements.filter(kind=MeasurementKind.FIRST).exists():
        errors.setdefault("goal", []).append("Handlingsplanen bygger på den första mätningen: gör den först.")
    if not goal.strip():
        errors.setdefault("goal", []).append("Beskriv målet.")
    if review_date is None:
        errors.setdefault("review_date", []).append("Ange när målet följs upp.")
    elif review_date > weeks_after(enrolment.start_date, programme.max_weeks):
        errors.setdefault("review_date", []).append(
            f"Uppföljningen kan inte ligga efter {weeks_after(enrolment.start_date, programme.max_weeks)}."
        )
    if errors:
        raise ValidationFailed("Målet kunde inte sparas.", fields=errors)
    assert review_date is not None
    with transaction.atomic():
        item = ActionPlanGoal.objects.create(
            enrolment=enrolment,
            indicator=indicator,
            goal=goal.strip(),
            activities=activities.strip(),
            review_date=review_date,
        )
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="action_plan",
            object_id=str(item.pk),
            code=enrolment.code,
            request=request,
        )
    return item


def meeting_record(
    *,
    actor: User,
    enrolment: Enrolment,
    date: datetime.date | None,
    parties: list[str],
    decision: str,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> MultiPartyMeeting:
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors: dict[str, list[str]] = {}
    if _meeting(enrolment) is not None:
        errors.setdefault("date", []).append("Flerpartsmötet är redan registrerat.")
    if date is None:
        errors.setdefault("date", []).append("Ange datum.")
    else:
        errors.update(
            _errors(
                date_limit_problems(
                    field="date",
                    day=date,
                    start=enrolment.start_date,
                    max_weeks=programme.max_weeks,
                    today=today or _today(),
                    label="Mötet",
                )
            )
        )
    if decision not in MeetingDecision.values:
        errors.setdefault("decision", []).append("Ange mötets beslut.")
    if not parties:
        errors.setdefault("parties", []).append("Ange vilka parter som var med.")
    if errors:
        raise ValidationFailed("Mötet kunde inte sparas.", fields=errors)
    assert date is not None
    with transaction.atomic():
        meeting = MultiPartyMeeting.objects.create(enrolment=enrolment, date=date, parties=parties, decision=decision)
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="meeting",
            object_id=str(meeting.pk),
            code=enrolment.code,
            request=request,
            decision=decision,
        )
    return meeting


def leader_change(
    *,
    actor: User,
    enrolment: Enrolment,
    leader: User,
    from_date: datetime.date | None,
    reason: str,
    request: HttpRequest | None = None,
) -> LeaderChange:
    require_unit_access(actor, enrolment.programme_unit)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Ange skälet till bytet: samma ledare ska följa deltagaren hela vägen."]
    if from_date is None or from_date < enrolment.start_date:
        errors["from_date"] = ["Ange ett datum från och med starten."]
    if leader.pk == enrolment.leader_id:
        errors["leader"] = ["Det är redan deltagarens ansvariga ledare."]
    if errors:
        raise ValidationFailed("Bytet kunde inte sparas.", fields=errors)
    assert from_date is not None
    with transaction.atomic():
        change = LeaderChange.objects.create(
            enrolment=enrolment, leader=leader, from_date=from_date, reason=reason.strip()
        )
        enrolment.leader = leader
        enrolment.save(update_fields=["leader"])
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="leader_change",
            object_id=str(change.pk),
            code=enrolment.code,
            request=request,
        )
    return change


def enrolment_exit(
    *,
    actor: User | None,
    enrolment: Enrolment,
    exit_date: datetime.date | None,
    exit_reason: str,
    occupation_after: str,
    income_after: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Enrolment:
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors: dict[str, list[str]] = {}
    if enrolment.exit_date is not None:
        errors["exit_date"] = ["Deltagaren är redan utskriven."]
    elif exit_date is None:
        errors["exit_date"] = ["Ange slutdatum."]
    else:
        errors.update(
            _errors(
                date_limit_problems(
                    field="exit_date",
                    day=exit_date,
                    start=enrolment.start_date,
                    max_weeks=programme.max_weeks,
                    today=today or _today(),
                    label="Slutdatumet",
                )
            )
        )
        last = enrolment.activities.order_by("-date").values_list("date", flat=True).first()
        if last and exit_date < last:
            errors.setdefault("exit_date", []).append(f"Det finns en aktivitet {last} efter slutdatumet.")
    if exit_reason not in ExitReason.values:
        errors["exit_reason"] = ["Välj avslutsorsak."]
    if occupation_after not in OccupationAfter.values:
        errors["occupation_after"] = ["Välj sysselsättning efter avslut."]
    if errors:
        raise ValidationFailed("Utskrivningen kunde inte sparas.", fields=errors)
    with transaction.atomic():
        enrolment.exit_date = exit_date
        enrolment.exit_reason = exit_reason
        enrolment.occupation_after = occupation_after
        enrolment.income_after = income_after
        # Without a version (a script) the exit still never overwrites one recorded meanwhile.
        if expected_version is None and Enrolment.objects.filter(pk=enrolment.pk, exit_date__isnull=False).exists():
            raise ValidationFailed(
                "Utskrivningen kunde inte sparas.", fields={"exit_date": ["Deltagaren är redan utskriven."]}
            )
        update_if_unchanged(
            enrolment,
            fields=["exit_date", "exit_reason", "occupation_after", "income_after"],
            expected_version=expected_version,
            what=f"Deltagaren {enrolment.code}",
            audit_object=("enrolment", enrolment.code),
        )
        _audit(
            actor,
            AuditAction.PARTICIPANT_EXIT,
            unit=enrolment.programme_unit,
            object_type="enrolment",
            object_id=enrolment.code,
            code=enrolment.code,
            request=request,
        )
    return enrolment


def exit_document_record(
    *,
    actor: User,
    enrolment: Enrolment,
    given_on: datetime.date | None,
    sent_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> Enrolment:
    require_unit_access(actor, enrolment.programme_unit)
    if enrolment.exit_date is None:
        raise ValidationFailed("Inte utskriven.", fields={"given_on": ["Skriv ut deltagaren först."]})
    for value, name in ((given_on, "given_on"), (sent_on, "sent_on")):
        if value is not None and value < enrolment.exit_date:
            raise ValidationFailed("Fel datum.", fields={name: ["Datumet kan inte ligga före avslutet."]})
    with transaction.atomic():
        enrolment.exit_document_given_on = given_on
        enrolment.exit_document_sent_on = sent_on
        enrolment.save(update_fields=["exit_document_given_on", "exit_document_sent_on"])
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="exit_document",
            object_id=enrolment.code,
            code=enrolment.code,
            request=request,
        )
    return enrolment


def enrolment_update_start_variables(
    *,
    actor: User,
    enrolment: Enrolment,
    education_level: str,
    income_before: str,
    time_without_work: str,
    born_in: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Enrolment:
    require_unit_access(actor, enrolment.programme_unit)
    with transaction.atomic():
        enrolment.education_level = education_level
        enrolment.income_before = income_before
        enrolment.time_without_work = time_without_work
        enrolment.born_in = born_in
        update_if_unchanged(
            enrolment,
            fields=["education_level", "income_before", "time_without_work", "born_in"],
            expected_version=expected_version,
            what=f"Deltagaren {enrolment.code}",
            audit_object=("enrolment", enrolment.code),
        )
        _audit(
            actor,
            AuditAction.PARTICIPANT_UPDATE,
            unit=enrolment.programme_unit,
            object_type="enrolment",
            object_id=enrolment.code,
            code=enrolment.code,
            request=request,
            variables="start",
        )
    return enrolment


# --- Import from spreadsheets ------------------------------------------------------------------

IMPORT_REQUIRED = ["personnummer", "kon", "folkbokforingskommun", "remittent", "anmalningsdatum", "status"]
IMPORT_STATUSES = {"mottagen", "inskriven", "avslutad", "avbojd", "aterkallad"}
SERVICE_FIELD_COLUMNS = {
    "identity_number": "personnummer",
    "first_name": "fornamn",
    "last_name": "efternamn",
    "gender": "kon",
    "residence": "folkbokforingskommun",
    "referring_party": "remittent",
    "received_on": "anmalningsdatum",
    "birth_year": "fodelsear",
    "start_date": "startdatum",
    "planned_end_date": "slutdatum",
    "exit_date": "slutdatum",
    "exit_reason": "avslutsorsak",
    "occupation_after": "sysselsattning_efter",
    "criteria": "folkbokforingskommun",
}


@dataclass(frozen=True)
class ParticipantImportResult:
    referrals: int
    enrolments: int
    exits: int


def _label_lookup(choices: list[tuple[str, Any]]) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[str(label).strip().lower()] = value
        lookup[value] = value
    return lookup


def participants_import(
    *,
    actor: User | None,
    municipality: Organisation,
    filename: str,
    data: bytes,
    today: datetime.date | None = None,
) -> ParticipantImportResult:
    """Import referrals and their enrolments, all or nothing. Each row goes through the same
    services as a user would (so every rule applies); any problem rolls the whole file back and
    every problem is reported with its row and column."""
    from apps.decisions.services import ImportFailed, ImportProblem
    from lib.tabular import TableError, parse_iso_date, read_table

    today = today or _today()
    unit = ProgrammeUnit.objects.filter(unit__parent=municipality).select_related("programme__forbund").first()
    if unit is None:
        raise ValidationFailed(
            "Kommunen har ingen utförare i programmet.", fields={"municipality": ["Ingen utförare."]}
        )
    require_unit_access(actor, unit)
    try:
        table = read_table(filename, data)
    except TableError as exc:
        raise ImportFailed([ImportProblem(0, "", str(exc))]) from exc
    missing = [c for c in IMPORT_REQUIRED if c not in table.headers]
    if missing:
        raise ImportFailed([ImportProblem(1, c, "Kolumnen saknas i rubrikraden.") for c in missing])
    members = {
        key: org
        for org in Organisation.objects.filter(parent=unit.programme.forbund, kind=OrganisationKind.MUNICIPALITY)
        for key in (org.slug, org.name.lower(), org.name.lower().replace(" kommun", "").replace(" stad", ""))
    }
    exit_reasons = _label_lookup(ExitReason.choices)
    occupations = _label_lookup(OccupationAfter.choices)
    criteria = [c["code"] for c in unit.programme.eligibility_criteria]
    problems: list[ImportProblem] = []
    counts = {"referrals": 0, "enrolments": 0, "exits": 0}
    with transaction.atomic():
        for number, values in table.rows:
            row_problems: list[ImportProblem] = []

            def add(
                column: str, message: str, *, row: int = number, bucket: list[ImportProblem] = row_problems
            ) -> None:
                bucket.append(ImportProblem(row, column, message))

            def date_of(column: str, values: dict[str, str] = values) -> datetime.date | None:
                text = values.get(column, "")
                if not text:
                    return None
                try:
                    return parse_iso_date(text)
                except ValueError as exc:
                    add(column, str(exc))
                    return None

            status = values.get("status", "").lower()
            if status not in IMPORT_STATUSES:
                add(
                    "status",
                    f"Okänd status {values.get('status', '')!r}; tillåtna: {', '.join(sorted(IMPORT_STATUSES))}.",
                )
            residence = members.get(values.get("folkbokforingskommun", "").strip().lower())
            if residence is None:
                add("folkbokforingskommun", "Kommunen är inte med i förbundet.")
            if values.get("remittent", "") not in ReferringParty.values:
                add("remittent", f"Okänd remittent; tillåtna: {', '.join(ReferringParty.values)}.")
            birth_year = None
            if not values.get("personnummer"):
                try:
                    birth_year = int(values.get("fodelsear", ""))
                except ValueError:
                    add("fodelsear", "Födelseår krävs när personnummer saknas (anonym registrering).")
            received = date_of("anmalningsdatum")
            if received is None and "anmalningsdatum" not in {p.column for p in row_problems}:
                add("anmalningsdatum", "Värde saknas.")
            start, end = date_of("startdatum"), date_of("slutdatum")
            if status in {"inskriven", "avslutad"} and start is None:
                add("startdatum", "Startdatum krävs för en inskriven deltagare.")
            if status == "avslutad":
                if end is None:
                    add("slutdatum", "Slutdatum krävs för en avslutad deltagare.")
                if values.get("avslutsorsak", "").strip().lower() not in exit_reasons:
                    add("avslutsorsak", f"Okänd avslutsorsak {values.get('avslutsorsak', '')!r}.")
                if values.get("sysselsattning_efter", "").strip().lower() not in occupations:
                    add("sysselsattning_efter", f"Okänd sysselsättning {values.get('sysselsattning_efter', '')!r}.")
            if row_problems:
                problems.extend(row_problems)
                continue
            assert received is not None and residence is not None
            try:
                with transaction.atomic():
                    referral = referral_submit(
                        actor=actor,
                        data=ReferralInput(
                            programme_unit=unit,
                            identity_number=values.get("personnummer", ""),
                            first_name=values.get("fornamn", "") or "–",
                            last_name=values.get("efternamn", "") or "–",
                            gender=values.get("kon", "").lower(),
                            birth_year=birth_year,
                            residence=residence,
                            phone="",
                            email="",
                            need="",
                            criteria_confirmed=criteria,
                            sip_held=False,
                            sip_date=None,
                            consent=bool(values.get("personnummer")),
                            protected_identity=False,
                            referring_party=values["remittent"],
                            referrer_name="Importerad",
                            referrer_organisation="",
                            referrer_contact="",
                        ),
                        channel=ReferralChannel.IMPORT,
                        received_on=received,
                        today=today,
                    )
                    counts["referrals"] += 1
                    if status in {"avbojd", "aterkallad"}:
                        referral_decline(
                            actor=actor,
                            referral=referral,
                            reason="Importerad",
                            date=received,
                            withdrawn=status == "aterkallad",
                        )
                    elif status in {"inskriven", "avslutad"}:
                        assert start is not None
                        limit = weeks_after(start, unit.programme.max_weeks)
                        enrolment = referral_accept(
                            actor=actor,
                            referral=referral,
                            start_date=start,
                            planned_end_date=end if end is not None else min(limit, max(start, today)),
                            extent_percent=unit.programme.max_extent_percent,
                            leader=None,
                            today=today,
                        )
                        counts["enrolments"] += 1
                        if status == "avslutad":
                            enrolment_exit(
                                actor=actor,
                                enrolment=enrolment,
                                exit_date=end,
                                exit_reason=exit_reasons[values["avslutsorsak"].strip().lower()],
                                occupation_after=occupations[values["sysselsattning_efter"].strip().lower()],
                                income_after="",
                                today=today,
                            )
                            counts["exits"] += 1
            except (ValidationFailed, Conflict, NotPermitted) as exc:
                for field_name, messages in (exc.fields or {"": [exc.message]}).items():
                    for message in messages:
                        problems.append(
                            ImportProblem(number, SERVICE_FIELD_COLUMNS.get(field_name, field_name), message)
                        )
        if problems:
            raise ImportFailed(problems)
    return ParticipantImportResult(**counts)
