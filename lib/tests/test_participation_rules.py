import datetime

from lib.participation import (
    age_problems,
    date_limit_problems,
    introduction_problems,
    tertial_bounds,
    tertial_of,
    warnings_for,
    weeks_after,
)

D = datetime.date


def _age(birth, start, birth_year=None):
    return age_problems(
        birth_date=birth, birth_year=birth_year or (birth.year if birth else 0), start=start, age_min=16, age_max=64
    )


def test_the_sixteenth_birthday_is_the_first_day_allowed():
    assert _age(D(2010, 3, 15), D(2026, 3, 15)) == []
    [problem] = _age(D(2010, 3, 15), D(2026, 3, 14))
    assert problem.field == "start_date" and "tidigast från 2026-03-15" in problem.message


def test_the_sixty_fifth_birthday_is_the_first_day_refused():
    assert _age(D(1961, 5, 2), D(2026, 5, 1)) == []
    [problem] = _age(D(1961, 5, 2), D(2026, 5, 2))
    assert "65 år" in problem.message


def test_a_birth_year_alone_refuses_only_when_no_birthday_fits():
    assert age_problems(birth_date=None, birth_year=2010, start=D(2026, 6, 1), age_min=16, age_max=64) == []
    assert age_problems(birth_date=None, birth_year=2011, start=D(2026, 6, 1), age_min=16, age_max=64)
    assert age_problems(birth_date=None, birth_year=1961, start=D(2026, 6, 1), age_min=16, age_max=64) == []
    assert age_problems(birth_date=None, birth_year=1960, start=D(2026, 6, 1), age_min=16, age_max=64)


def test_nothing_is_dated_after_twenty_four_weeks():
    start = D(2026, 1, 5)
    limit = weeks_after(start, 24)
    assert limit == D(2026, 6, 22)
    assert (
        date_limit_problems(field="date", day=limit, start=start, max_weeks=24, today=D(2026, 11, 22), label="X") == []
    )
    [problem] = date_limit_problems(
        field="date",
        day=limit + datetime.timedelta(days=1),
        start=start,
        max_weeks=24,
        today=D(2026, 11, 22),
        label="Aktiviteten",
    )
    assert "högst 24 veckor" in problem.message and problem.message.startswith("Aktiviteten")


def test_dates_before_the_start_or_in_the_future_are_refused():
    problems = date_limit_problems(
        field="date", day=D(2026, 1, 1), start=D(2026, 1, 5), max_weeks=24, today=D(2026, 11, 22), label="Mätningen"
    )
    assert "före startdatumet" in problems[0].message
    assert date_limit_problems(
        field="date", day=D(2026, 11, 23), start=D(2026, 11, 1), max_weeks=24, today=D(2026, 11, 22), label="X"
    )[0].message.endswith("i framtiden.")


def test_continuing_after_the_introduction_needs_a_meeting():
    start = D(2026, 1, 5)
    assert (
        introduction_problems(day=D(2026, 2, 16), start=start, intro_weeks=6, meeting_date=None, meeting_continues=None)
        == []
    )
    [problem] = introduction_problems(
        day=D(2026, 2, 17), start=start, intro_weeks=6, meeting_date=None, meeting_continues=None
    )
    assert "utan registrerat flerpartsmöte" in problem.message
    assert (
        introduction_problems(
            day=D(2026, 3, 1), start=start, intro_weeks=6, meeting_date=D(2026, 2, 10), meeting_continues=True
        )
        == []
    )
    assert introduction_problems(
        day=D(2026, 3, 1), start=start, intro_weeks=6, meeting_date=D(2026, 2, 10), meeting_continues=False
    )


def test_warnings_come_fourteen_days_ahead():
    start = D(2026, 1, 5)
    common = {"intro_weeks": 6, "max_weeks": 24, "warning_days": 14, "measurement_interval_days": 91, "exited": False}
    early = warnings_for(
        start=start, today=D(2026, 1, 20), meeting_date=None, last_measurement=D(2026, 1, 12), **common
    )
    assert early == []
    intro = warnings_for(start=start, today=D(2026, 2, 2), meeting_date=None, last_measurement=D(2026, 1, 12), **common)
    assert [w.kind for w in intro] == ["introduction"]
    late = warnings_for(
        start=start, today=D(2026, 6, 10), meeting_date=D(2026, 2, 10), last_measurement=D(2026, 3, 1), **common
    )
    assert {w.kind for w in late} == {"limit", "measurement"}
    first = warnings_for(start=start, today=D(2026, 1, 5), meeting_date=None, last_measurement=None, **common)
    assert first[0].kind == "measurement" and "Första" in first[0].message


def test_tertials():
    assert [tertial_of(D(2026, m, 1)) for m in (1, 4, 5, 8, 9, 12)] == [1, 1, 2, 2, 3, 3]
    assert tertial_bounds(2026, 2) == (D(2026, 5, 1), D(2026, 8, 31))
    assert tertial_bounds(2024, 1) == (D(2024, 1, 1), D(2024, 4, 30))
