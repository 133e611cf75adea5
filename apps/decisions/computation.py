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
from lib.nonexecution import Event, EventKind, Row, episodes_of, report_rows
from lib.quarters import Quarter

from .models import Decision, DecisionEvent, DelayReason, QuarterlyReport, ReportRow, ReportStatus
from .selectors import report_history

# Three calendar months are never shorter than 89 days (February to April in a common year), so a
# wait that ended within 89 days of its start was in time, and one that began less than 89 days
# before the quarter's last day cannot have passed its deadline by then. Both bounds only ever
# leave a decision in for the rule to decide, never out when the rule would report it.
SHORTEST_THREE_MONTHS = datetime.timedelta(days=89)
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
    """The decisions the rule has to look at: any in an earlier submitted report (to be listed
    again or closed), and those old enough to be late that did not end their first wait in time
    or were interrupted later."""
    decided = OuterRef("decision_date")
    in_time = DecisionEvent.objects.filter(
        decision=OuterRef("pk"),
        kind__in=_ENDING,
        date__lte=ExpressionWrapper(decided + SHORTEST_THREE_MONTHS, output_field=DateField()),
    )
    interrupted = DecisionEvent.objects.filter(decision=OuterRef("pk"), kind=EventKind.INTERRUPTED.value)
    reported = ReportRow.objects.filter(
        report__municipality=municipality, report__status=ReportStatus.SUBMITTED
    ).values("decision_id")
    old_enough = Q(decision_date__lte=quarter.last_day - SHORTEST_THREE_MONTHS)
    return (old_enough & (~Exists(in_time) | Exists(interrupted))) | Q(pk__in=reported)


_FIELDS = (
    "id",
    "reference",
    "decision_date",
    "decision_type__name",
    "legal_basis__short_label",
    "person_id",
    "person__legal_sex",
    "delay_reason",
    "delay_reason_text",
    "events__kind",
    "events__date",
    "events__missing_part",
)


@dataclass
class _Candidate:
    facts: DecisionFacts
    delay: str
    delay_text: str
    events: list[Event]
    partial: list[str]


def _candidate_decisions(municipality: Organisation, quarter: Quarter) -> dict[int, _Candidate]:
    """The candidate decisions with their facts and events, in one query (a row per event)."""
    rows = (
        Decision.objects.filter(municipality=municipality)
        .filter(_candidates(municipality, quarter))
        .order_by("id", "events__date", "events__id")
        .values_list(*_FIELDS)
    )
    found: dict[int, _Candidate] = {}
    current: _Candidate | None = None
    for pk, reference, decided, type_name, basis, person_id, sex, delay, delay_text, kind, day, missing in rows:
        if current is None or current.facts.pk != pk:
            facts = DecisionFacts(pk, reference, decided, type_name, basis, person_id, sex)
            current = found[pk] = _Candidate(facts, delay, delay_text, [], [])
        if kind is None:
            continue
        current.events.append(Event(EventKind(kind), day))
        if kind == EventKind.PARTLY_EXECUTED:
            current.partial.append(f"Delvis verkställt {day.isoformat()}; återstår: {missing}")  # i18n: data
    return found


def _reason(candidate: _Candidate, labels: dict[str, str]) -> str:
    """Why the decision is not executed, with any partial execution and what remains."""
    parts = [candidate.delay_text or labels.get(candidate.delay, ""), *candidate.partial]
    return ". ".join(part for part in parts if part)


def compute_report(
    municipality: Organisation, quarter: Quarter, as_of: datetime.date, *, preview: bool = False
) -> list[ComputedRow]:
    """The rows of the quarter's report as of `as_of`; `preview`: the quarter is still running."""
    history = report_history(municipality, quarter)
    candidates = _candidate_decisions(municipality, quarter)
    episodes = [
        episode
        for pk, candidate in candidates.items()
        for episode in episodes_of(pk, candidate.facts.decision_date, candidate.events)
    ]
    rows = report_rows(episodes, quarter, as_of, history, preview=preview)
    # The reason is stored in the row that goes to IVO: Swedish, whatever the reader's language.
    with translation.override("sv"):
        labels = {choice.value: str(choice.label) for choice in DelayReason}
    computed = []
    for row in rows:
        candidate = candidates[row.episode.decision_id]
        computed.append(ComputedRow(row, candidate.facts, _reason(candidate, labels)))
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
