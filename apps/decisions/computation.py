"""The rows of a quarterly report, computed from the register.

The rule (which waits are reported, in which section, when a wait is listed again) lives in
lib.nonexecution and decides every row. This module only feeds it fast: a first report of a large
municipality looks at ten years of decisions, so the database first leaves out, set-based, the
decisions that cannot be late whatever their history, and the decisions that do reach the report
are read as plain values, never as model objects with their events.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import DateField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import translation

from apps.organisations.models import Organisation
from lib.batching import batched
from lib.nonexecution import Event, EventKind, Row, Section, episodes_of, report_rows
from lib.quarters import Quarter

from .models import Decision, DecisionEvent, DelayReason, QuarterlyReport, ReportRow
from .selectors import ID_BATCH, report_history, submitted_reports_before

# Three calendar months are never shorter than 89 days (February to April in a common year), so a
# wait that ended within 89 days of its start was in time, and one that began less than 89 days
# before the quarter's last day cannot have passed its deadline by then. Both bounds only ever
# leave a decision in for the rule to decide, never out when the rule would report it.
SHORTEST_THREE_MONTHS = datetime.timedelta(days=89)
# And never longer than 92 (July to September).
LONGEST_THREE_MONTHS = datetime.timedelta(days=92)
CLOCK_MARGIN = datetime.timedelta(minutes=10)
_ENDING = [EventKind.EXECUTED.value, EventKind.RESUMED.value, EventKind.ENDED.value]


@dataclass(frozen=True)
class DecisionFacts:
    """What a report row shows of its decision, copied into the stored row."""

    pk: int
    reference: str
    decision_date: datetime.date
    decision_type_name: str
    legal_basis_label: str
    person_id: int
    legal_sex: str


@dataclass(frozen=True)
class ComputedRow:
    row: Row
    decision: DecisionFacts
    reason: str


def _candidates(municipality: Organisation, quarter: Quarter) -> Q:
    """The decisions the rule has to look at.

    Without a submitted report before the quarter: those old enough to be late that did not end
    their first wait in time or were interrupted later (ten years of waits, the first report's
    worst case). With one, its rows are reused: that report already listed every wait whose deadline
    had passed by its quarter's end, as the register stood when it was submitted. So only decisions
    listed open in an earlier report (to be listed again or closed), those with a wait begun too late
    for that deadline, and those registered or changed since the submission can still reach the rule."""
    decided = OuterRef("decision_date")
    in_time = DecisionEvent.objects.filter(
        decision=OuterRef("pk"),
        kind__in=_ENDING,
        date__lte=ExpressionWrapper(decided + SHORTEST_THREE_MONTHS, output_field=DateField()),
    )
    interrupted = DecisionEvent.objects.filter(decision=OuterRef("pk"), kind=EventKind.INTERRUPTED.value)
    earlier = submitted_reports_before(municipality, quarter)
    reported = ReportRow.objects.filter(report__in=earlier)
    old_enough = Q(decision_date__lte=quarter.last_day - SHORTEST_THREE_MONTHS)
    latest = earlier.order_by("-year", "-quarter").values_list("year", "quarter", "submitted_at").first()
    submitted_at = latest[2] if latest is not None else None
    if latest is None or submitted_at is None:
        could_be_late = old_enough & (~Exists(in_time) | Exists(interrupted))
        return could_be_late | Q(pk__in=reported.values("decision_id"))
    year, number = latest[0], latest[1]
    # Timestamps come from the application servers' clocks: a margin covers clocks a little apart.
    since = submitted_at - CLOCK_MARGIN
    # A wait begun on or before this day had its deadline (at most 92 days on) by that quarter's end.
    seen_through = Quarter(year, number).last_day - LONGEST_THREE_MONTHS
    begun_later = Q(decision_date__gt=seen_through) | Exists(interrupted.filter(date__gt=seen_through))
    changed = (
        Q(created_at__gt=since)
        | Q(updated_at__gt=since)
        | Exists(DecisionEvent.objects.filter(decision=OuterRef("pk"), recorded_at__gt=since))
    )
    still_open = reported.filter(closed=False).exclude(section=Section.EXECUTED_OR_ENDED.value)
    # Not narrowed further by the first wait's end: the few decisions left are cheaper for the rule
    # to decide than for the database to test one by one.
    return (old_enough & (begun_later | changed)) | Q(pk__in=still_open.values("decision_id"))


_FACTS = (
    "id",
    "reference",
    "decision_date",
    "decision_type__name",
    "legal_basis__short_label",
    "person_id",
    "person__legal_sex",
    "delay_reason",
    "delay_reason_text",
)


@dataclass
class _Candidate:
    decision_date: datetime.date
    events: list[Event]
    partial: list[str]


def _candidate_decisions(municipality: Organisation, quarter: Quarter) -> dict[int, _Candidate]:
    """The candidate decisions with their dates and events, in date order.

    In steps: the ids first, then their events looked up by decision a batch at a time, without
    joins (the facts a row shows are read afterwards, for the decisions reported only). In one query
    the planner cannot tell how few decisions pass the filter and hashes the whole person and event
    tables (a second and more for the largest municipality)."""
    found = {
        pk: _Candidate(decided, [], [])
        for pk, decided in Decision.objects.filter(municipality=municipality)
        .filter(_candidates(municipality, quarter))
        .order_by("id")
        .values_list("id", "decision_date")
    }
    for chunk in batched(list(found), ID_BATCH):
        events = (
            DecisionEvent.objects.filter(decision_id__one_of=chunk)
            .order_by("decision_id", "date", "id")
            .values_list("decision_id", "kind", "date", "missing_part")
        )
        for pk, kind, day, missing in events:
            candidate = found[pk]
            candidate.events.append(Event(EventKind(kind), day))
            if kind == EventKind.PARTLY_EXECUTED:
                candidate.partial.append(f"Delvis verkställt {day.isoformat()}; återstår: {missing}")  # i18n: data
    return found


def _facts(decision_ids: list[int]) -> dict[int, tuple[DecisionFacts, str, str]]:
    """What the rows show of each decision: its facts, the delay reason and its text."""
    found = {}
    for chunk in batched(decision_ids, ID_BATCH):
        rows = Decision.objects.filter(pk__one_of=chunk).values_list(*_FACTS)
        for pk, reference, decided, type_name, basis, person_id, sex, delay, delay_text in rows:
            found[pk] = (DecisionFacts(pk, reference, decided, type_name, basis, person_id, sex), delay, delay_text)
    return found


def _reason(delay: str, delay_text: str, partial: list[str], labels: dict[str, str]) -> str:
    """Why the decision is not executed, with any partial execution and what remains."""
    parts = [delay_text or labels.get(delay, ""), *partial]
    return ". ".join(part for part in parts if part)


def compute_report(
    municipality: Organisation, quarter: Quarter, as_of: datetime.date, *, preview: bool = False
) -> list[ComputedRow]:
    """The rows of the quarter's report as of `as_of`; `preview`: the quarter is still running."""
    candidates = _candidate_decisions(municipality, quarter)
    history = report_history(municipality, quarter, decision_ids=list(candidates))
    episodes = [
        episode
        for pk, candidate in candidates.items()
        for episode in episodes_of(pk, candidate.decision_date, candidate.events)
    ]
    rows = report_rows(episodes, quarter, as_of, history, preview=preview)
    facts = _facts(sorted({row.episode.decision_id for row in rows}))
    # The reason is stored in the row that goes to IVO: Swedish, whatever the reader's language.
    with translation.override("sv"):
        labels = {choice.value: str(choice.label) for choice in DelayReason}
    computed = []
    for row in rows:
        pk = row.episode.decision_id
        decision, delay, delay_text = facts[pk]
        computed.append(ComputedRow(row, decision, _reason(delay, delay_text, candidates[pk].partial, labels)))
    computed.sort(key=lambda c: (c.row.section, -c.decision.decision_date.toordinal(), c.decision.reference))
    return computed


def report_row_from(computed: ComputedRow, position: int, report: QuarterlyReport | None = None) -> ReportRow:
    """The stored form of a computed row (unsaved): the values a reader sees are copied, so a
    submitted report keeps them whatever happens to the decision later."""
    row, decision = computed.row, computed.decision
    return ReportRow(
        report=report,
        position=position,
        section=row.section.value,
        category=row.category.value,
        decision_id=decision.pk,
        episode_kind=row.episode.kind.value,
        episode_start=row.episode.start,
        closed=row.closed,
        outcome=row.outcome.value if row.outcome else "",
        outcome_date=row.date,
        first_reported_index=row.first_reported.index,
        reference=decision.reference,
        decision_date=decision.decision_date,
        decision_type_name=decision.decision_type_name,
        legal_basis_label=decision.legal_basis_label,
        reason=computed.reason,
        legal_sex=decision.legal_sex,
    )
