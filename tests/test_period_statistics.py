"""The interim and full-year statistics are counted by the database in one query; every figure must
equal what a plain count over the enrolments gives (the reference below is the rule written out)."""

import datetime
import random
import statistics
from collections import Counter

import pytest

from apps.activera.models import (
    BornIn,
    EducationLevel,
    Enrolment,
    ExitReason,
    Gender,
    IncomeSource,
    OccupationAfter,
    ReferringParty,
    TimeWithoutWork,
)
from apps.activera.reports import AgeGroup, ExtentGroup, most_concurrent, period_tables, weeks_summary
from apps.activera.services import enrolment_exit, enrolment_update_start_variables
from tests.activera_helpers import unit
from tests.test_participant_reports import _enrol

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 8, 31)
GENDERS = Gender.values


def _reference(enrolments: list[Enrolment]) -> dict[str, list[list[int]]]:
    """The unsuppressed count tables, counted one enrolment at a time."""
    active = [e for e in enrolments if e.start_date <= END and (e.exit_date is None or e.exit_date >= START)]
    new = [e for e in active if e.start_date >= START]
    exited = [e for e in active if e.exit_date is not None and e.exit_date <= END]

    def table(items, choices) -> list[list[int]]:
        counter = Counter(items)
        return [[counter[(value, g)] for g in GENDERS] for value in choices]

    return {
        "participants": [[sum(1 for e in group if e.gender == g) for g in GENDERS] for group in (active, new, exited)],
        "referring_party": table(((e.referring_party, e.gender) for e in new), ReferringParty.values),
        "education": table(((e.education_level or "okand", e.gender) for e in new), EducationLevel.values),
        "income_before": table(((e.income_before, e.gender) for e in new), IncomeSource.values),
        "time_without_work": table(((e.time_without_work, e.gender) for e in new), TimeWithoutWork.values),
        "born_in": table(((e.born_in, e.gender) for e in new), BornIn.values),
        "exit_reason": table(((e.exit_reason, e.gender) for e in exited), ExitReason.values),
        "occupation_after": table(((e.occupation_after, e.gender) for e in exited), OccupationAfter.values),
        "income_after": table(((e.income_after, e.gender) for e in exited), IncomeSource.values),
        "age_group": table(((_age_group(e.start_date.year - e.birth_year), e.gender) for e in new), AgeGroup.values),
        "extent": table(((_extent(e.extent_percent), e.gender) for e in new), ExtentGroup.values),
        "sip": table(((("ja" if e.referral.sip_held else "nej"), e.gender) for e in new), ["ja", "nej"]),
        "residence": table(
            ((e.residence.slug, e.gender) for e in new), ["alingsas", "harryda", "lerum", "molndal", "partille"]
        ),
    }


def _age_group(age: int) -> str:
    for key, low, high in [(g.value, int(g.value[:2]), int(g.value[3:])) for g in AgeGroup if g.value[:2].isdigit()]:
        if low <= age <= high:
            return key
    return "ovrig"


def _extent(percent: int) -> str:
    return "upp_till_25" if percent <= 25 else "26_till_50" if percent <= 50 else "over_50"


@pytest.fixture
def enrolments(activera, caseworker_alingsas):
    rng = random.Random(11)
    for serial in range(24):
        start = D(2025, 10, 1) + datetime.timedelta(days=rng.randrange(0, 300))
        enrolment = _enrol(
            caseworker_alingsas,
            serial=serial,
            gender=rng.choice(GENDERS),
            start=start,
            received=start - datetime.timedelta(days=5),
            party=rng.choice(ReferringParty.values),
        )
        if serial % 4:  # a quarter never answered the start questions
            enrolment_update_start_variables(
                actor=caseworker_alingsas,
                enrolment=enrolment,
                education_level=rng.choice(["", *EducationLevel.values]),
                income_before=rng.choice(IncomeSource.values),
                time_without_work=rng.choice(TimeWithoutWork.values),
                born_in=rng.choice(BornIn.values),
            )
        if serial % 3:
            enrolment_exit(
                actor=caseworker_alingsas,
                enrolment=Enrolment.objects.get(pk=enrolment.pk),
                exit_date=start + datetime.timedelta(days=rng.randrange(42, 160)),
                exit_reason=rng.choice(ExitReason.values),
                occupation_after=rng.choice(OccupationAfter.values),
                income_after=rng.choice(["", *IncomeSource.values]),
                today=D(2030, 1, 1),
            )
    return list(Enrolment.objects.all())


def test_every_count_equals_a_plain_count_over_the_enrolments(enrolments):
    tables = period_tables([unit()], START, END).tables
    for key, expected in _reference(enrolments).items():
        assert tables[key].cells == expected, key


def test_weeks_and_the_most_simultaneous_participants_follow_the_rules(enrolments):
    figures = period_tables([unit()], START, END)
    exited = [e for e in enrolments if e.exit_date is not None and START <= e.exit_date <= END]
    weeks = [(e.exit_date - e.start_date).days / 7 for e in exited]
    everyone: dict[str, int] = Counter()
    for histogram in figures.days.values():
        everyone.update(histogram)
    mean, median = weeks_summary(dict(everyone))
    assert mean == pytest.approx(statistics.fmean(weeks)) and median == pytest.approx(statistics.median(weeks))
    for gender in GENDERS:
        own = [(e.exit_date - e.start_date).days / 7 for e in exited if e.gender == gender]
        if own:
            assert weeks_summary(figures.days[gender])[1] == pytest.approx(statistics.median(own))
    sampled = [START + datetime.timedelta(days=7 * i) for i in range(((END - START).days // 7) + 1)]
    concurrent = max(
        sum(1 for e in enrolments if e.start_date <= day and (e.exit_date is None or e.exit_date >= day))
        for day in sampled
    )
    assert max(figures.weekly_active) == concurrent


def test_the_most_simultaneous_counts_a_participant_on_the_day_they_leave():
    # One starts 1 January and leaves 8 January: present on both sampled days.
    assert most_concurrent({"2026-01-01": 1}, {"2026-01-08": 1}, D(2026, 1, 1), D(2026, 1, 15)) == 1
    assert most_concurrent({"2026-01-02": 2}, {"2026-01-07": 1}, D(2026, 1, 1), D(2026, 1, 15)) == 1
    assert most_concurrent({}, {}, D(2026, 1, 1), D(2026, 1, 15)) == 0


def test_activities_and_meetings_are_counted_by_person_and_by_time(activera, caseworker_alingsas):
    from apps.activera.models import ActivityType
    from apps.activera.services import activity_add, meeting_record

    types = list(ActivityType.objects.filter(programme=activera).order_by("label"))
    first = _enrol(caseworker_alingsas, serial=60, gender="kvinna", start=D(2026, 2, 2))
    second = _enrol(caseworker_alingsas, serial=61, gender="man", start=D(2026, 2, 2))
    for enrolment, days in ((first, (3, 10, 17)), (second, (4,))):
        for day in days:
            activity_add(
                actor=caseworker_alingsas,
                enrolment=enrolment,
                date=D(2026, 2, day + 1),
                activity_type=types[0],
                mode="individual",
                digital=False,
                attended=True,
                today=D(2030, 1, 1),
            )
    activity_add(
        actor=caseworker_alingsas,
        enrolment=second,
        date=D(2026, 2, 6),
        activity_type=types[1],
        mode="group",
        digital=False,
        attended=False,  # did not come: not counted
        today=D(2030, 1, 1),
    )
    meeting_record(
        actor=caseworker_alingsas,
        enrolment=first,
        date=D(2026, 3, 10),
        parties=["arbetsformedlingen", "kommun_socialtjanst"],
        decision="continue",
        today=D(2030, 1, 1),
    )
    tables = period_tables([unit()], START, END).tables
    people, times = tables["activity_participants"], tables["activity_occasions"]
    row = people.rows.index(types[0].code)
    assert people.cells[row] == [1, 1, 0] and times.cells[row] == [3, 1, 0]
    assert people.cells[people.rows.index(types[1].code)] == [0, 0, 0]
    assert tables["meeting"].cells == [[1, 0, 0], [0, 0, 0]]
