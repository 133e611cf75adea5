import datetime

import pytest

from lib.nonexecution import (
    Episode,
    EpisodeKind,
    Event,
    EventKind,
    History,
    Outcome,
    ReportDateError,
    Section,
    episodes_of,
    report_rows,
)
from lib.quarters import Quarter

D = datetime.date
Q4 = Quarter(2022, 4)


def _one(decision_date, *events, decision_id=1):
    return episodes_of(decision_id, decision_date, [Event(kind, day) for kind, day in events])


def _submit(history: History, rows, quarter):
    """Record rows as an earlier submitted report."""
    for row in rows:
        key = row.episode.key
        history.first_reported.setdefault(key, quarter)
        if row.section == Section.EXECUTED_OR_ENDED:
            history.listed_in_section_3.add(key)
        else:
            history.listed_any.add(key)
            if not row.closed:
                history.listed_open.add(key)


def test_a_decision_not_yet_executed_is_one_open_episode():
    [episode] = _one(D(2022, 7, 25))
    assert episode.kind == EpisodeKind.NOT_EXECUTED and episode.end is None
    assert episode.deadline == D(2022, 10, 25)


def test_execution_on_the_deadline_day_is_in_time():
    [episode] = _one(D(2021, 11, 30), (EventKind.EXECUTED, D(2022, 2, 28)))
    assert not episode.overdue_by(D(2022, 3, 31))
    [late] = _one(D(2021, 11, 30), (EventKind.EXECUTED, D(2022, 3, 1)))
    assert late.overdue_by(D(2022, 3, 31))


def test_a_deadline_on_the_day_after_the_quarter_is_not_reported_in_it():
    # Decided 2022-07-01: deadline 2022-10-01, the day after Q3 ends.
    [episode] = _one(D(2022, 7, 1))
    assert report_rows([episode], Quarter(2022, 3), D(2022, 10, 10), History()) == []
    [row] = report_rows([episode], Q4, D(2023, 1, 10), History())
    assert row.section == Section.NOT_EXECUTED and not row.closed


def test_a_deadline_on_the_quarters_last_day_is_reported():
    [episode] = _one(D(2022, 12, 31))
    assert episode.deadline == D(2023, 3, 31)
    assert len(report_rows([episode], Quarter(2023, 1), D(2023, 4, 10), History())) == 1


def test_an_open_decision_is_listed_again_every_quarter_until_executed():
    [episode] = _one(D(2022, 1, 10))
    history = History()
    for quarter, as_of in [(Quarter(2022, 2), D(2022, 7, 5)), (Quarter(2022, 3), D(2022, 10, 5)), (Q4, D(2023, 1, 5))]:
        rows = report_rows([episode], quarter, as_of, history)
        assert [(r.section, r.closed) for r in rows] == [(Section.NOT_EXECUTED, False)]
        assert rows[0].first_reported == Quarter(2022, 2)
        _submit(history, rows, quarter)
    executed = _one(D(2022, 1, 10), (EventKind.EXECUTED, D(2023, 2, 1)))
    [row] = report_rows(executed, Quarter(2023, 1), D(2023, 4, 5), history)
    assert row.section == Section.EXECUTED_OR_ENDED
    assert row.outcome == Outcome.EXECUTED and row.date == D(2023, 2, 1)
    _submit(history, [row], Quarter(2023, 1))
    assert report_rows(executed, Quarter(2023, 2), D(2023, 7, 5), history) == []


def test_an_episode_ended_before_its_first_report_still_reaches_ivo_once():
    episodes = _one(D(2022, 6, 21), (EventKind.ENDED, D(2022, 10, 3)))
    history = History()
    [row] = report_rows(episodes, Quarter(2022, 3), D(2022, 10, 12), history)
    assert row.section == Section.NOT_EXECUTED and row.closed
    assert row.outcome == Outcome.ENDED and row.date == D(2022, 10, 3)
    _submit(history, [row], Quarter(2022, 3))
    assert report_rows(episodes, Q4, D(2023, 1, 11), history) == []


def test_an_end_before_the_deadline_is_never_reported():
    episodes = _one(D(2022, 6, 21), (EventKind.ENDED, D(2022, 8, 1)))
    assert report_rows(episodes, Quarter(2022, 3), D(2022, 10, 12), History()) == []


def test_a_partial_execution_keeps_the_decision_reportable():
    episodes = _one(D(2022, 6, 1), (EventKind.PARTLY_EXECUTED, D(2022, 7, 1)))
    [row] = report_rows(episodes, Quarter(2022, 3), D(2022, 10, 12), History())
    assert row.section == Section.NOT_EXECUTED and not row.closed


def test_an_interruption_not_resumed_within_three_months_goes_to_section_2():
    episodes = _one(
        D(2022, 1, 10),
        (EventKind.EXECUTED, D(2022, 2, 1)),
        (EventKind.INTERRUPTED, D(2022, 6, 15)),
    )
    assert [e.kind for e in episodes] == [EpisodeKind.NOT_EXECUTED, EpisodeKind.INTERRUPTED]
    assert report_rows(episodes, Quarter(2022, 2), D(2022, 7, 5), History()) == []
    [row] = report_rows(episodes, Quarter(2022, 3), D(2022, 10, 5), History())
    assert row.section == Section.INTERRUPTED and row.episode.start == D(2022, 6, 15)


def test_a_resumption_within_three_months_is_in_time():
    episodes = _one(
        D(2022, 1, 10),
        (EventKind.EXECUTED, D(2022, 2, 1)),
        (EventKind.INTERRUPTED, D(2022, 6, 15)),
        (EventKind.RESUMED, D(2022, 9, 15)),
    )
    assert report_rows(episodes, Quarter(2022, 3), D(2022, 10, 5), History()) == []


def test_a_resumption_after_a_reported_interruption_goes_to_section_3_as_executed():
    history = History()
    interrupted = _one(D(2022, 1, 10), (EventKind.EXECUTED, D(2022, 2, 1)), (EventKind.INTERRUPTED, D(2022, 6, 15)))
    rows = report_rows(interrupted, Quarter(2022, 3), D(2022, 10, 5), history)
    _submit(history, rows, Quarter(2022, 3))
    resumed = _one(
        D(2022, 1, 10),
        (EventKind.EXECUTED, D(2022, 2, 1)),
        (EventKind.INTERRUPTED, D(2022, 6, 15)),
        (EventKind.RESUMED, D(2022, 11, 2)),
    )
    [row] = report_rows(resumed, Q4, D(2023, 1, 5), history)
    assert row.section == Section.EXECUTED_OR_ENDED and row.outcome == Outcome.EXECUTED
    assert row.date == D(2022, 11, 2)


def test_an_execution_after_the_report_date_keeps_the_row_open():
    episodes = _one(D(2022, 6, 15), (EventKind.EXECUTED, D(2023, 1, 20)))
    [row] = report_rows(episodes, Q4, D(2023, 1, 11), History())
    assert not row.closed


def test_the_report_date_cannot_precede_the_quarters_end():
    with pytest.raises(ReportDateError):
        report_rows([], Q4, D(2022, 12, 30), History())


def test_nothing_counts_after_an_end():
    episodes = _one(D(2022, 1, 1), (EventKind.ENDED, D(2022, 5, 1)), (EventKind.EXECUTED, D(2022, 6, 1)))
    assert episodes == [Episode(1, EpisodeKind.NOT_EXECUTED, D(2022, 1, 1), D(2022, 5, 1), Outcome.ENDED)]


from lib.nonexecution import check_new_event  # noqa: E402

TODAY = D(2023, 1, 15)
DECIDED = D(2022, 6, 1)


def _problems(new_kind, new_date, *events, decision_date=DECIDED):
    existing = [Event(kind, day) for kind, day in events]
    return [
        (p.field, p.message) for p in check_new_event(decision_date, existing, Event(new_kind, new_date), today=TODAY)
    ]


def test_an_event_before_the_decision_date_is_refused():
    [(field, message)] = _problems(EventKind.EXECUTED, D(2022, 5, 31))
    assert field == "date" and "före beslutsdatumet 2022-06-01" in message


def test_a_future_date_is_refused():
    [(field, message)] = _problems(EventKind.EXECUTED, D(2023, 1, 16))
    assert field == "date" and "framtiden" in message


def test_a_resumption_needs_an_interruption():
    [(field, message)] = _problems(EventKind.RESUMED, D(2022, 8, 1), (EventKind.EXECUTED, D(2022, 7, 1)))
    assert field == "kind" and "kräver ett avbrott" in message
    assert (
        _problems(
            EventKind.RESUMED,
            D(2022, 9, 1),
            (EventKind.EXECUTED, D(2022, 7, 1)),
            (EventKind.INTERRUPTED, D(2022, 8, 1)),
        )
        == []
    )


def test_nothing_may_follow_an_end():
    [(field, message)] = _problems(EventKind.EXECUTED, D(2022, 9, 1), (EventKind.ENDED, D(2022, 8, 1)))
    assert field == "kind" and "avslutades 2022-08-01" in message


def test_an_interruption_needs_an_execution():
    [(field, _message)] = _problems(EventKind.INTERRUPTED, D(2022, 8, 1))
    assert field == "kind"


def test_events_are_entered_in_date_order():
    [(field, message)] = _problems(EventKind.INTERRUPTED, D(2022, 6, 20), (EventKind.EXECUTED, D(2022, 7, 1)))
    assert field == "date" and "senaste händelsen (2022-07-01)" in message


def test_execution_after_partial_execution_is_allowed():
    assert _problems(EventKind.EXECUTED, D(2022, 9, 1), (EventKind.PARTLY_EXECUTED, D(2022, 7, 1))) == []


# --- The preview of the running quarter ---------------------------------------------------------


def test_a_preview_of_the_running_quarter_lists_what_would_be_reported_if_nothing_happens():
    # Today is 2026-12-01, in Q4 2026. One wait passed its deadline in November, one reaches it on
    # 2026-12-15, one only in 2027, and one was executed in time.
    overdue = _one(D(2026, 8, 3), decision_id=1)
    later_in_quarter = _one(D(2026, 9, 15), decision_id=2)
    next_year = _one(D(2026, 10, 2), decision_id=3)
    in_time = _one(D(2026, 8, 20), (EventKind.EXECUTED, D(2026, 10, 1)), decision_id=4)
    today = D(2026, 12, 1)
    rows = report_rows(
        overdue + later_in_quarter + next_year + in_time, Quarter(2026, 4), today, History(), preview=True
    )
    assert [(row.episode.decision_id, row.section, row.deadline_ahead(today)) for row in rows] == [
        (1, Section.NOT_EXECUTED, False),
        (2, Section.NOT_EXECUTED, True),
    ]


def test_only_a_preview_may_be_made_before_the_quarter_ends():
    with pytest.raises(ReportDateError):
        report_rows(_one(D(2026, 8, 3)), Quarter(2026, 4), D(2026, 12, 1), History())


def test_the_days_waited_count_from_the_decision_or_the_interruption_to_the_report_date():
    [waiting] = _one(D(2022, 7, 25))
    interrupted = _one(D(2022, 1, 10), (EventKind.EXECUTED, D(2022, 2, 1)), (EventKind.INTERRUPTED, D(2022, 8, 1)))[-1]
    rows = report_rows([waiting, interrupted], Q4, D(2023, 1, 11), History())
    assert sorted((row.section, row.days_waited(D(2023, 1, 11))) for row in rows) == [
        (Section.NOT_EXECUTED, 170),
        (Section.INTERRUPTED, 163),
    ]
