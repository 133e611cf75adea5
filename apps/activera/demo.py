"""A generated year and more of ACTivera in every municipality (development only)."""
# i18n: data module

from __future__ import annotations

import datetime
import logging
import random

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from insyn.errors import InsynError
from lib.identity_numbers import LegalSex, fictional_number

from .models import ExitReason, Gender, OccupationAfter, ProgrammeUnit, ReferralChannel, ReferringParty
from .services import (
    ReferralInput,
    activity_add,
    enrolment_exit,
    enrolment_update_start_variables,
    measurement_add,
    meeting_record,
    municipality_of_unit,
    referral_accept,
    referral_decline,
    referral_submit,
)
from .violence import violence_batch_record

logger = logging.getLogger(__name__)
FIRST = ["Amina", "Bo", "Cecilia", "David", "Elsa", "Fredrik", "Greta", "Hassan", "Ingrid", "Jonas", "Kim", "Leila"]
LAST = ["Ahlström", "Björk", "Carlsson", "Dahl", "Ek", "Falk", "Grahn", "Hedlund", "Isaksson", "Jonsson"]
PARTIES = [p.value for p in ReferringParty]
PARTY_WEIGHTS = [30, 25, 15, 15, 5, 10]


def load_demo_activera(unit: ProgrammeUnit, *, rng: random.Random, today: datetime.date, leader: User) -> int:
    """Referrals from 14 months back, most enrolled, measured, met, and exited in time."""
    programme = unit.programme
    municipality = municipality_of_unit(unit)
    members = list(programme.forbund.children.filter(kind="municipality"))
    criteria = [c["code"] for c in programme.eligibility_criteria]
    activity_types = list(programme.activity_types.all())
    indicators = list(programme.indicators.all())
    count = unit.places  # about the seed's volumes: 85 places in Alingsås, 145 in Mölndal
    start_window = today - datetime.timedelta(days=430)
    enrolled = 0
    for index in range(count):
        received = start_window + datetime.timedelta(days=rng.randrange(0, 400))
        sex = LegalSex.FEMALE if rng.random() < 0.55 else LegalSex.MALE
        gender = Gender.OTHER if rng.random() < 0.04 else (Gender.WOMAN if sex == LegalSex.FEMALE else Gender.MAN)
        birth = datetime.date(rng.randrange(1962, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
        consent = rng.random() > 0.08
        data = ReferralInput(
            programme_unit=unit,
            identity_number=fictional_number(birth, serial=rng.randrange(0, 100), legal_sex=sex),
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            gender=gender,
            birth_year=birth.year,
            residence=municipality if rng.random() < 0.85 else rng.choice(members),
            phone="",
            email="",
            need="Vill närma sig arbete eller studier",
            criteria_confirmed=criteria if rng.random() < 0.95 else criteria[:-2],
            sip_held=rng.random() < 0.6,
            sip_date=None,
            consent=consent,
            protected_identity=False,
            referring_party=rng.choices(PARTIES, PARTY_WEIGHTS)[0],
            referrer_name="Demoremittent",
            referrer_organisation="",
            referrer_contact="",
        )
        data = ReferralInput(
            **{**data.__dict__, "sip_date": received - datetime.timedelta(days=7) if data.sip_held else None}
        )
        try:
            referral = referral_submit(
                actor=None,
                data=data,
                channel=ReferralChannel.WEB if index % 3 else ReferralChannel.PHONE,
                received_on=received,
                today=today,
            )
        except InsynError as exc:
            # A generated number may already be in use: skip that one.
            logger.debug("demo referral skipped: %s", exc.message)
            continue
        start = received + datetime.timedelta(days=rng.randrange(7, 25))
        if start > today or len(referral.criteria_confirmed) < len(criteria) or rng.random() < 0.1:
            if start <= today and rng.random() < 0.5:
                referral_decline(actor=None, referral=referral, reason="Bedömdes inte tillhöra målgruppen", date=start)
            continue
        try:
            enrolment = referral_accept(
                actor=leader,
                referral=referral,
                start_date=start,
                planned_end_date=start + datetime.timedelta(weeks=rng.choice([12, 16, 20, 24])),
                extent_percent=rng.choice([25, 40, 50]),
                leader=leader,
                today=today,
            )
        except InsynError as exc:
            # The generated person may fall outside the age range on the start date.
            logger.debug("demo enrolment skipped: %s", exc.message)
            continue
        enrolled += 1
        enrolment_update_start_variables(
            actor=leader,
            enrolment=enrolment,
            education_level=rng.choice(["forgymnasial", "gymnasial", "eftergymnasial"]),
            income_before=rng.choice(
                ["ekonomiskt_bistand", "sjukpenning", "aktivitetsstod", "ingen", "aktivitetsersattning"]
            ),
            time_without_work=rng.choice(["under_1", "1_3", "3_5", "over_5"]),
            born_in=rng.choice(["sverige", "sverige", "ovriga"]),
        )
        level = {i.code: rng.randrange(1, 4) for i in indicators}
        measurement_add(
            actor=leader,
            enrolment=enrolment,
            date=start + datetime.timedelta(days=3),
            kind="first",
            answers=level,
            today=today,
        )
        meeting_day = start + datetime.timedelta(weeks=6)
        if meeting_day > today:
            continue
        meeting_record(
            actor=leader,
            enrolment=enrolment,
            date=meeting_day,
            parties=["Arbetsförmedlingen", "Försäkringskassan"],
            decision="continue",
            today=today,
        )
        day = start + datetime.timedelta(days=2)
        while day <= min(today, enrolment.planned_end_date):
            activity_add(
                actor=leader,
                enrolment=enrolment,
                date=day,
                activity_type=rng.choice(activity_types),
                mode=rng.choice(["individual", "group"]),
                digital=rng.random() < 0.2,
                attended=rng.random() < 0.85,
                today=today,
            )
            day += datetime.timedelta(days=rng.randrange(5, 12))
        follow_up = start + datetime.timedelta(weeks=12)
        if follow_up <= min(today, enrolment.planned_end_date):
            level = {code: min(5, value + rng.choice([0, 1, 1, 2])) for code, value in level.items()}
            measurement_add(
                actor=leader, enrolment=enrolment, date=follow_up, kind="follow_up", answers=level, today=today
            )
        if enrolment.planned_end_date <= today:
            enrolment_exit(
                actor=leader,
                enrolment=enrolment,
                exit_date=enrolment.planned_end_date,
                exit_reason=rng.choices([r.value for r in ExitReason], [70, 10, 4, 10, 1, 5])[0],
                occupation_after=rng.choices([o.value for o in OccupationAfter], [20, 15, 30, 20, 10, 5])[0],
                income_after="",
                today=today,
            )
    questions = [q["code"] for q in programme.violence_questions]
    for year, tertial in _tertials_back(today, 4):
        # The paper forms of a tertial come in one or two batches; now and then a question is skipped.
        for _ in range(rng.randrange(1, 3)):
            forms = []
            for _ in range(rng.randrange(4, 11)):
                answers = dict.fromkeys(questions, "")
                while not any(answers.values()):
                    answers = {
                        q: rng.choices(["ja", "nej", "vill_inte_svara", ""], [15, 70, 10, 5])[0] for q in questions
                    }
                forms.append(answers)
            violence_batch_record(
                actor=leader, programme_unit=unit, year=year, tertial=tertial, forms=forms, today=today
            )
    return enrolled


def _tertials_back(today: datetime.date, count: int) -> list[tuple[int, int]]:
    from lib.participation import tertial_of

    year, tertial = today.year, tertial_of(today)
    found = []
    for _ in range(count):
        found.append((year, tertial))
        year, tertial = (year - 1, 3) if tertial == 1 else (year, tertial - 1)
    return found


def demo_leader(unit: ProgrammeUnit) -> User | None:
    municipality = municipality_of_unit(unit)
    for user in User.objects.filter(role_grants__organisation=unit.unit).distinct():
        if municipality in municipalities_with(user, Permission.PARTICIPANT_MANAGE):
            return user
    return None
