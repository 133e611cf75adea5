"""The quarterly report's database prefilter (apps.decisions.computation) leaves out only decisions
that cannot be late: the report it gives is the one the rule (lib.nonexecution) gives over every
decision of the municipality, also for waits that end right at the three months' edge, after
month ends that clamp (30 November + 3 months = 28 February), interruptions and ends."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from apps.decisions.computation import _candidate_decisions, compute_report
from apps.decisions.models import Decision, DecisionEvent
from apps.decisions.selectors import decision_episodes, report_history
from apps.decisions.services import report_prepare, report_submit
from lib.nonexecution import report_rows
from lib.quarters import Quarter
from tests.decisions_helpers import FAR_FUTURE, decide, event

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
# Decision dates where three months are shortest, longest and clamped.
STARTS = [D(2021, 11, 30), D(2021, 12, 31), D(2022, 1, 31), D(2022, 2, 1), D(2022, 2, 28), D(2022, 3, 31)]


def _build(alingsas) -> None:
    rng = random.Random(2026)
    for number, start in enumerate(STARTS * 6):
        decision = decide(alingsas, f"K-{number}", "Kontaktfamilj", start)
        plan = number % 6
        first = start + rng.randint(86, 94) * DAY
        if plan == 0:
            continue  # never executed
        if plan in (1, 2, 3):
            event(decision, "executed", first)
        if plan == 2:
            event(decision, "interrupted", first + rng.randint(1, 20) * DAY)
            event(decision, "resumed", first + rng.randint(111, 130) * DAY)
        if plan == 3:
            event(decision, "interrupted", first + rng.randint(1, 20) * DAY)
        if plan == 4:
            event(decision, "ended", first, end_reason="moved")
        if plan == 5:
            event(decision, "partly_executed", first, missing_part="Helgerna")


def _by_the_rule(alingsas, quarter: Quarter, as_of: datetime.date) -> list[tuple]:
    episodes = [
        episode
        for decision in Decision.objects.filter(municipality=alingsas).prefetch_related("events")
        for episode in decision_episodes(decision)
    ]
    rows = report_rows(episodes, quarter, as_of, report_history(alingsas, quarter))
    return sorted((row.episode.key, row.section, row.closed) for row in rows)


@pytest.mark.parametrize("quarter", [Quarter(2022, 1), Quarter(2022, 2), Quarter(2022, 3), Quarter(2022, 4)])
def test_the_prefiltered_report_is_the_rules_report_over_every_decision(alingsas, quarter):
    _build(alingsas)
    as_of = quarter.last_day + 15 * DAY
    computed = compute_report(alingsas, quarter, as_of)
    found = sorted((c.row.episode.key, c.row.section, c.row.closed) for c in computed)
    expected = _by_the_rule(alingsas, quarter, as_of)
    assert found == expected
    assert expected, "the quarter has late decisions to compare"


def test_a_wait_ending_one_day_after_a_clamped_deadline_is_reported(alingsas):
    # 30 November + 3 months is 28 February: executed on 1 March (91 days) is late.
    late = decide(alingsas, "S-1", "Kontaktfamilj", D(2021, 11, 30))
    event(late, "executed", D(2022, 3, 1))
    in_time = decide(alingsas, "S-2", "Kontaktfamilj", D(2021, 11, 30))
    event(in_time, "executed", D(2022, 2, 28))
    rows = compute_report(alingsas, Quarter(2022, 1), D(2022, 4, 15))
    assert [(c.decision.reference, c.row.closed) for c in rows] == [("S-1", True)]


def test_a_report_after_a_submitted_one_reuses_it_and_still_sees_what_was_registered_since(alingsas):
    _build(alingsas)
    in_time = decide(alingsas, "H-1", "Kontaktfamilj", D(2021, 10, 1))
    event(in_time, "executed", D(2021, 11, 1))
    # Registered well before the submission (further back than the margin for servers' clocks).
    earlier = timezone.now() - datetime.timedelta(hours=1)
    Decision.objects.filter(municipality=alingsas).update(created_at=earlier, updated_at=earlier)
    DecisionEvent.objects.filter(decision__municipality=alingsas).update(recorded_at=earlier)
    submitted = report_submit(
        actor=None,
        report=report_prepare(
            actor=None, municipality=alingsas, quarter=Quarter(2022, 2), as_of=D(2022, 7, 15), today=FAR_FUTURE
        ),
    )
    # Registered after the submission, dated long before it: a decision never executed, and an
    # interruption whose three months ran out within the submitted quarter.
    decide(alingsas, "H-2", "Kontaktfamilj", D(2021, 12, 1))
    event(in_time, "interrupted", D(2022, 2, 1))
    quarter, as_of = Quarter(2022, 3), D(2022, 10, 15)

    found = sorted((c.row.episode.key, c.row.section, c.row.closed) for c in compute_report(alingsas, quarter, as_of))

    assert found == _by_the_rule(alingsas, quarter, as_of)
    references = {c.decision.reference for c in compute_report(alingsas, quarter, as_of)}
    assert {"H-1", "H-2"} <= references
    # What the submitted report closed and nobody touched since is not read again (an interruption
    # after the quarter's first days could still pass its deadline later, so those are).
    closed = set(submitted.rows.filter(closed=True).values_list("decision_id", flat=True))
    still_open = set(submitted.rows.filter(closed=False).values_list("decision_id", flat=True))
    interrupted = set(Decision.objects.filter(events__kind="interrupted").values_list("pk", flat=True))
    settled = closed - still_open - interrupted
    assert settled
    assert not settled & set(_candidate_decisions(alingsas, quarter))
