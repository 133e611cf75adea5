"""Permission-aware reads of the decision register and the computation of quarterly reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.organisations.models import Organisation
from lib.batching import batched
from lib.natural_order import natural_key
from lib.nonexecution import (
    CATEGORY_ORDER,
    Category,
    Episode,
    Event,
    EventKind,
    History,
    Section,
    episodes_of,
)
from lib.quarters import Quarter, add_months, quarters_of

from .models import Decision, LegalBasis, LegalBasisKind, QuarterlyReport, ReportRow, ReportStatus

CATEGORY_LABELS = {
    Category.NOT_EXECUTED: gettext_lazy("ej verkställda"),
    Category.INTERRUPTED: gettext_lazy("avbrutna"),
    Category.EXECUTED: gettext_lazy("verkställda"),
    Category.ENDED: gettext_lazy("avslutad"),
}


def decisions_for_user(user: User, *, permission: Permission = Permission.DECISION_MANAGE) -> QuerySet[Decision]:
    municipality_ids = [org.pk for org in municipalities_with(user, permission)]
    return Decision.objects.filter(municipality_id__in=municipality_ids).select_related(
        "municipality", "person", "decision_type", "legal_basis"
    )


def get_decision_for_user(user: User, pk: int) -> Decision:
    try:
        return decisions_for_user(user).prefetch_related("events", "offers").get(pk=pk)
    except Decision.DoesNotExist as exc:
        raise Http404(gettext("Beslutet finns inte.")) from exc


def reports_for_user(user: User) -> QuerySet[QuarterlyReport]:
    ids = [org.pk for org in municipalities_with(user, Permission.DECISION_REPORT_VIEW)]
    return QuarterlyReport.objects.filter(municipality_id__in=ids).select_related("municipality", "submitted_by")


def get_report_for_user(user: User, pk: int) -> QuarterlyReport:
    try:
        return reports_for_user(user).get(pk=pk)
    except QuarterlyReport.DoesNotExist as exc:
        raise Http404(gettext("Rapporten finns inte.")) from exc


def decision_events(decision: Decision) -> list[Event]:
    return [Event(EventKind(e.kind), e.date) for e in decision.events.all()]


def decision_episodes(decision: Decision) -> list[Episode]:
    return episodes_of(decision.pk, decision.decision_date, decision_events(decision))


# Ids per query when a long list is looked up (`__one_of`; SQLite takes them as parameters).
ID_BATCH = 2000


def submitted_reports_before(municipality: Organisation, quarter: Quarter) -> QuerySet[QuarterlyReport]:
    """The municipality's submitted reports of the quarters before `quarter`."""
    return QuarterlyReport.objects.filter(municipality=municipality, status=ReportStatus.SUBMITTED).filter(
        Q(year__lt=quarter.year) | Q(year=quarter.year, quarter__lt=quarter.number)
    )


def report_history(
    municipality: Organisation, before: Quarter, *, decision_ids: Sequence[int] | None = None
) -> History:
    """What the municipality's submitted reports of earlier quarters said; of the decisions
    `decision_ids` only, if given (a report needs the history of its candidates alone)."""
    history = History()
    rows = ReportRow.objects.filter(report__in=submitted_reports_before(municipality, before)).values_list(
        "decision_id", "episode_kind", "episode_start", "section", "closed", "report__year", "report__quarter"
    )
    chunks = (
        [rows]
        if decision_ids is None
        else [rows.filter(decision_id__one_of=c) for c in batched(decision_ids, ID_BATCH)]
    )
    for chunk in chunks:
        for decision_id, kind, start, section, closed, year, number in chunk:
            quarter = Quarter(year, number)
            key = (decision_id, kind, start)
            if key not in history.first_reported or quarter < history.first_reported[key]:
                history.first_reported[key] = quarter
            if section == Section.EXECUTED_OR_ENDED:
                history.listed_in_section_3.add(key)
            else:
                history.listed_any.add(key)
                if not closed:
                    history.listed_open.add(key)
    return history


def sorted_bases(bases: Iterable[LegalBasis]) -> list[LegalBasis]:
    """Legal bases as a reader looks for them: by kind, then statute, then provision in number order."""
    return sorted(bases, key=lambda b: (b.kind != LegalBasisKind.DECISION, b.statute, natural_key(b.short_label)))


def bases_for_new_decisions(day: datetime.date) -> list[LegalBasis]:
    """The legal bases a decision made on `day` can rest on: those in force that day only, so an
    expired provision is never offered for a new decision."""
    return [b for b in sorted_bases(LegalBasis.objects.filter(kind=LegalBasisKind.DECISION)) if b.valid_on(day)]


def reporting_duty_on(day: datetime.date) -> LegalBasis | None:
    for basis in LegalBasis.objects.filter(kind=LegalBasisKind.REPORTING_DUTY, code__startswith="sol"):
        if basis.valid_on(day):
            return basis
    return None


# --- Tables built from stored report rows --------------------------------------------------


@dataclass
class TypeRow:
    decision_type: str
    category: Category
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    first_reported: int = 10**9
    latest_decision: datetime.date = datetime.date.min

    @property
    def label(self) -> str:
        return f"{self.decision_type}, {CATEGORY_LABELS[self.category]}"


@dataclass
class YearTables:
    year: int
    by_type: list[TypeRow]
    sections: dict[int, list[int]]  # section → counts per quarter
    # Quarters with a report behind their figures; the others are shown empty, not as 0.
    reported: list[bool] = field(default_factory=lambda: [True, True, True, True])

    @property
    def quarters(self) -> list[str]:
        return [f"{q.year}Q{q.number}" for q in quarters_of(self.year)]

    @property
    def summary_rows(self) -> list[tuple[int, list[int | None]]]:
        """The three sections' counts per quarter, None where no report has been made."""
        return [
            (section, [count if done else None for count, done in zip(counts, self.reported, strict=True)])
            for section, counts in self.sections.items()
        ]


# (quarter number, decision type, category, first reported index, decision date, section)
TableRow = tuple[int, str, str, int, datetime.date, int]


def year_tables(
    municipality: Organisation,
    year: int,
    *,
    include: QuarterlyReport | None = None,
    extra: list[TableRow] | None = None,
) -> YearTables:
    """Statistics per type and the three-section summary of a year, from submitted reports (and
    `include`, a draft being looked at, so its own quarter is shown; or `extra`, the rows of the
    running quarter's preview)."""
    reports = list(QuarterlyReport.objects.filter(municipality=municipality, year=year, status=ReportStatus.SUBMITTED))
    if include is not None and include.year == year and all(r.pk != include.pk for r in reports):
        reports.append(include)
    # Plain values: a report page reads a year's rows up to twice, and model objects cost more than the counting.
    rows: list[TableRow] = list(
        ReportRow.objects.filter(report__in=reports)
        .order_by("report__quarter", "position")
        .values_list(
            "report__quarter", "decision_type_name", "category", "first_reported_index", "decision_date", "section"
        )
    )
    reported = [any(r.quarter == number for r in reports) for number in range(1, 5)]
    if extra:
        rows.extend(extra)
        for row in extra:
            reported[row[0] - 1] = True
    by_key: dict[tuple[str, Category], TypeRow] = {}
    sections: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for quarter, type_name, category_value, first_reported_index, decision_date, section in rows:
        index = quarter - 1
        category = Category(category_value)
        entry = by_key.setdefault((type_name, category), TypeRow(type_name, category))
        entry.counts[index] += 1
        entry.first_reported = min(entry.first_reported, first_reported_index)
        entry.latest_decision = max(entry.latest_decision, decision_date)
        sections[section][index] += 1

    def order(entry: TypeRow) -> tuple[int, int, int, str, int]:
        first_quarter = next(i for i, count in enumerate(entry.counts) if count)
        return (
            first_quarter,
            entry.first_reported,
            -entry.latest_decision.toordinal(),
            entry.decision_type,
            CATEGORY_ORDER.index(entry.category),
        )

    return YearTables(
        year=year,
        by_type=sorted(by_key.values(), key=order),
        sections={section: sections[section] for section in (1, 2, 3)},
        reported=reported,
    )


# --- The registrar's start page ------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineItem:
    decision: Decision
    episode: Episode

    @property
    def deadline(self) -> datetime.date:
        return self.episode.deadline


def deadline_overview(
    user: User, *, today: datetime.date, within_days: int = 30
) -> tuple[list[DeadlineItem], list[DeadlineItem]]:
    """Open waits whose deadline is within `within_days`, and those past it that no submitted
    report has listed yet."""
    approaching: list[DeadlineItem] = []
    overdue: list[DeadlineItem] = []
    decisions = decisions_for_user(user).prefetch_related("events")
    reported = set(
        ReportRow.objects.filter(
            decision__in=decisions, report__status=ReportStatus.SUBMITTED, section__in=[1, 2]
        ).values_list("decision_id", "episode_kind", "episode_start")
    )
    horizon = today + datetime.timedelta(days=within_days)
    for decision in decisions:
        for episode in decision_episodes(decision):
            if not episode.open_on(today):
                continue
            if today <= episode.deadline <= horizon:
                approaching.append(DeadlineItem(decision, episode))
            elif episode.deadline < today and episode.key not in reported:
                overdue.append(DeadlineItem(decision, episode))
    approaching.sort(key=lambda item: item.deadline)
    overdue.sort(key=lambda item: item.deadline)
    return approaching, overdue


# IVO's reporting windows: the quarter's report is sent in these months.
IVO_WINDOWS = {
    1: (gettext_lazy("april"), [4]),
    2: (gettext_lazy("juli–augusti"), [7, 8]),
    3: (gettext_lazy("oktober"), [10]),
    4: (gettext_lazy("januari året därpå"), [1]),
}


def next_ivo_window(today: datetime.date) -> tuple[Quarter, str, datetime.date]:
    """The quarter whose report is due next, the window in words, and the window's last day."""
    quarter = Quarter.containing(today).previous()
    for _ in range(5):
        _words, months = IVO_WINDOWS[quarter.number]
        year = quarter.year + 1 if quarter.number == 4 else quarter.year
        last_month = months[-1]
        last_day = add_months(datetime.date(year, last_month, 1), 1) - datetime.timedelta(days=1)
        if last_day >= today:
            return quarter, str(IVO_WINDOWS[quarter.number][0]), last_day
        quarter = quarter.next()
    raise AssertionError("unreachable")
