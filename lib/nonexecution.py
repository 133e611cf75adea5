"""The rules of the quarterly report of favourable decisions not executed in time
(16 kap. 6 f–h §§ SoL 2001:453, 28 f–h §§ LSS, and their successors).

Pure functions on plain data, so every rule can be tested at its edges without a database.
A decision yields *episodes*: the wait from the decision to execution, and the wait from each
interruption to resumption. An episode is overdue when three calendar months pass without it
ending in execution (or resumption). docs/decisions.md walks through the rules with the seed's
example.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .quarters import Quarter, add_months
from .translation import gettext

MONTHS_ALLOWED = 3


class EpisodeKind(enum.StrEnum):
    NOT_EXECUTED = "not_executed"
    INTERRUPTED = "interrupted"


class Outcome(enum.StrEnum):
    EXECUTED = "executed"
    ENDED = "ended"


class EventKind(enum.StrEnum):
    EXECUTED = "executed"
    PARTLY_EXECUTED = "partly_executed"
    INTERRUPTED = "interrupted"
    RESUMED = "resumed"
    ENDED = "ended"


class Section(enum.IntEnum):
    NOT_EXECUTED = 1
    INTERRUPTED = 2
    EXECUTED_OR_ENDED = 3


class Category(enum.StrEnum):
    NOT_EXECUTED = "not_executed"
    INTERRUPTED = "interrupted"
    EXECUTED = "executed"
    ENDED = "ended"


CATEGORY_ORDER = [Category.NOT_EXECUTED, Category.INTERRUPTED, Category.EXECUTED, Category.ENDED]

EpisodeKey = tuple[int, str, datetime.date]


@dataclass(frozen=True)
class Event:
    kind: EventKind
    date: datetime.date


@dataclass(frozen=True)
class Episode:
    decision_id: int
    kind: EpisodeKind
    start: datetime.date
    end: datetime.date | None = None
    outcome: Outcome | None = None

    @property
    def key(self) -> EpisodeKey:
        return (self.decision_id, self.kind.value, self.start)

    @property
    def deadline(self) -> datetime.date:
        return add_months(self.start, MONTHS_ALLOWED)

    @property
    def section(self) -> Section:
        return Section.NOT_EXECUTED if self.kind == EpisodeKind.NOT_EXECUTED else Section.INTERRUPTED

    def overdue_by(self, day: datetime.date) -> bool:
        """The deadline fell on or before `day` without the episode ending in time.
        Ending on the deadline day itself is in time."""
        return self.deadline <= day and (self.end is None or self.end > self.deadline)

    def open_on(self, day: datetime.date) -> bool:
        return self.end is None or self.end > day


def episodes_of(decision_id: int, decision_date: datetime.date, events: Iterable[Event]) -> list[Episode]:
    """Episodes from a decision's events in date order. Partial execution does not end the wait:
    the part still missing keeps the decision reportable."""
    episodes: list[Episode] = []
    waiting_from: datetime.date | None = decision_date
    waiting_kind = EpisodeKind.NOT_EXECUTED
    for event in sorted(events, key=lambda e: e.date):
        if event.kind in (EventKind.EXECUTED, EventKind.RESUMED) and waiting_from is not None:
            episodes.append(Episode(decision_id, waiting_kind, waiting_from, event.date, Outcome.EXECUTED))
            waiting_from = None
        elif event.kind == EventKind.INTERRUPTED and waiting_from is None:
            waiting_from, waiting_kind = event.date, EpisodeKind.INTERRUPTED
        elif event.kind == EventKind.ENDED:
            if waiting_from is not None:
                episodes.append(Episode(decision_id, waiting_kind, waiting_from, event.date, Outcome.ENDED))
            waiting_from = None
            break
    if waiting_from is not None:
        episodes.append(Episode(decision_id, waiting_kind, waiting_from))
    return episodes


@dataclass
class History:
    """What the municipality's earlier *submitted* reports said."""

    listed_open: set[EpisodeKey] = field(default_factory=set)
    listed_any: set[EpisodeKey] = field(default_factory=set)
    listed_in_section_3: set[EpisodeKey] = field(default_factory=set)
    first_reported: dict[EpisodeKey, Quarter] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    episode: Episode
    section: Section
    closed: bool  # the episode had ended by the report date
    first_reported: Quarter

    @property
    def outcome(self) -> Outcome | None:
        return self.episode.outcome if self.closed else None

    @property
    def date(self) -> datetime.date | None:
        return self.episode.end if self.closed else None

    def deadline_ahead(self, as_of: datetime.date) -> bool:
        """In a preview: the deadline has not passed yet on `as_of`."""
        return self.section != Section.EXECUTED_OR_ENDED and self.episode.deadline > as_of

    def days_waited(self, as_of: datetime.date) -> int:
        """Days from the decision (or the interruption) to `as_of`, as the council's table counts."""
        return (as_of - self.episode.start).days

    @property
    def category(self) -> Category:
        if self.section == Section.NOT_EXECUTED:
            return Category.NOT_EXECUTED
        if self.section == Section.INTERRUPTED:
            return Category.INTERRUPTED
        return Category.EXECUTED if self.episode.outcome == Outcome.EXECUTED else Category.ENDED


class ReportDateError(ValueError):
    pass


def report_rows(
    episodes: Sequence[Episode],
    quarter: Quarter,
    as_of: datetime.date,
    history: History,
    *,
    preview: bool = False,
) -> list[Row]:
    """The rows of the report for `quarter` made on `as_of`.

    - Sections 1 and 2: episodes overdue by the quarter's last day and still open on the report
      date; listed again every quarter until they end.
    - An overdue episode that ended before it was ever reported still reaches IVO once: it stands
      in section 1 or 2, closed, with its date.
    - Section 3: episodes listed open in an earlier submitted report that have ended by the
      report date, once.

    `preview`: the quarter is still running and `as_of` is today. The rows are what the report
    would hold if nothing happened before the quarter ends: a wait whose deadline falls later in
    the quarter is already listed (`Row.deadline_ahead` tells it). A preview is never a report.
    """
    if as_of < quarter.last_day and not preview:
        raise ReportDateError(gettext("Rapporteringstillfället kan inte ligga före kvartalets sista dag."))
    rows: list[Row] = []
    for episode in episodes:
        key = episode.key
        first = history.first_reported.get(key, quarter)
        if key in history.listed_open:
            if key in history.listed_in_section_3:
                continue
            if episode.open_on(as_of):
                rows.append(Row(episode, episode.section, False, first))
            else:
                rows.append(Row(episode, Section.EXECUTED_OR_ENDED, True, first))
            continue
        if key in history.listed_any or not episode.overdue_by(quarter.last_day):
            continue
        rows.append(Row(episode, episode.section, not episode.open_on(as_of), first))
    return rows


@dataclass(frozen=True)
class EventProblem:
    field: str
    message: str


def check_new_event(
    decision_date: datetime.date,
    events: Sequence[Event],
    new: Event,
    *,
    today: datetime.date,
) -> list[EventProblem]:
    """Whether `new` may follow `events`. Each problem names the field and the rule, in Swedish."""
    problems: list[EventProblem] = []
    if new.date > today:
        problems.append(EventProblem("date", gettext("Datumet kan inte ligga i framtiden.")))
    if new.date < decision_date:
        problems.append(
            EventProblem(
                "date",
                gettext("Händelsen kan inte ligga före beslutsdatumet %(date)s.") % {"date": decision_date.isoformat()},
            )
        )
    ordered = sorted(events, key=lambda e: e.date)
    ended = next((e for e in ordered if e.kind == EventKind.ENDED), None)
    if ended is not None:
        problems.append(
            EventProblem(
                "kind",
                gettext("Beslutet avslutades %(date)s; inget kan registreras efter ett avslut.")
                % {"date": ended.date.isoformat()},
            )
        )
        return problems
    if ordered and new.date < ordered[-1].date:
        problems.append(
            EventProblem(
                "date",
                gettext("Datumet kan inte ligga före den senaste händelsen (%(date)s).")
                % {"date": ordered[-1].date.isoformat()},
            )
        )
    state = "waiting"
    for event in ordered:
        if event.kind in (EventKind.EXECUTED, EventKind.RESUMED):
            state = "executed"
        elif event.kind == EventKind.INTERRUPTED:
            state = "interrupted"
    if new.kind in (EventKind.EXECUTED, EventKind.PARTLY_EXECUTED) and state != "waiting":
        problems.append(
            EventProblem("kind", gettext("Beslutet är redan verkställt; registrera avbrott eller avslut i stället."))
        )
    elif new.kind == EventKind.INTERRUPTED and state != "executed":
        problems.append(EventProblem("kind", gettext("Bara ett verkställt beslut kan avbrytas.")))
    elif new.kind == EventKind.RESUMED and state != "interrupted":
        problems.append(
            EventProblem("kind", gettext("Ett återupptagande kräver ett avbrott som inte redan återupptagits."))
        )
    return problems
