"""The council's statistics table: for each type of decision in sections 1 and 2, how many concern
women and men, and how long has passed since each decision (section 1) or interruption (section
2), counted to the report date. De-identified: docs/decisions.md quotes the rule and explains the
protection.

The table is published (KF's agenda is a public document) beside the seed's lists, which already
give every decision's date and type, so counts per type and days are known to any reader; what is
new is the split by sex. That split is protected as the rest of Insyn protects what leaves the
municipality: a count from 1 up to INSYN_SUPPRESSION_THRESHOLD is not shown, and neither is any
figure from which a hidden one could be worked out (the type's total is public, the section's
women and men are sums of rows) – decided jointly over the whole table by lib.disclosure.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.disclosure import Figure, Problem, Terms, Unsafe, decide, terms_of
from lib.nonexecution import Section
from lib.quarters import Quarter
from lib.swedish import swedish_key

from .models import QuarterlyReport, ReportRow
from .selectors import submitted_reports_before

COUNCIL_SECTIONS = {
    Section.NOT_EXECUTED: gettext_lazy("1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut"),
    Section.INTERRUPTED: gettext_lazy(
        "2. Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet"
    ),
}
DAYS_LABELS = {
    Section.NOT_EXECUTED: gettext_lazy("Dagar sedan beslutet"),
    Section.INTERRUPTED: gettext_lazy("Dagar sedan avbrottet"),
}
HIDDEN = "–"
# A figure's key: ("cell", section, type, sex), ("sum", section, sex), …; ("past", year, quarter, …)
# for the figures of a table already published.
FigureKey = tuple[Any, ...]


@dataclass(frozen=True)
class CouncilItem:
    """One decision (or interruption) in section 1 or 2 of a report."""

    decision_type: str
    section: int
    legal_sex: str  # "female" or "male", as the person registry holds it
    days: int
    # The wait it counts (decision id, start), the same in every quarter that lists it; None: a
    # wait of its own. A reader of the public lists can follow a wait from quarter to quarter by
    # its decision date and type, so the tables of different quarters are protected together.
    wait: tuple[int, str] | None = None


@dataclass(frozen=True)
class PublishedTable:
    """A council table already published (a submitted report): what it counted and what it hid."""

    key: tuple[int, int]  # (year, quarter)
    items: list[CouncilItem]
    hidden: frozenset[FigureKey]


@dataclass(frozen=True)
class CouncilRow:
    decision_type: str
    section: int
    women: int
    men: int
    days: list[int]
    protected: bool = False  # the split by sex is not shown

    @property
    def total(self) -> int:
        return self.women + self.men

    @property
    def shown_women(self) -> int | str:
        return HIDDEN if self.protected else self.women

    @property
    def shown_men(self) -> int | str:
        return HIDDEN if self.protected else self.men

    @property
    def days_text(self) -> str:
        return ", ".join(str(day) for day in self.days)


@dataclass(frozen=True)
class CouncilSection:
    section: int
    rows: list[CouncilRow]
    women: int
    men: int
    protected: bool = False

    @property
    def title(self) -> str:
        return str(COUNCIL_SECTIONS[Section(self.section)])

    @property
    def days_label(self) -> str:
        return str(DAYS_LABELS[Section(self.section)])

    @property
    def total(self) -> int:
        return self.women + self.men

    @property
    def shown_women(self) -> int | str:
        return HIDDEN if self.protected else self.women

    @property
    def shown_men(self) -> int | str:
        return HIDDEN if self.protected else self.men


@dataclass(frozen=True)
class CouncilTable:
    as_of: datetime.date
    threshold: int
    sections: list[CouncilSection] = field(default_factory=list)

    @property
    def rows(self) -> list[CouncilRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def note(self) -> str:
        return _(
            "%(hidden)s = fördelningen på kvinnor och män visas inte när ett antal är 1–%(highest)s "
            "eller kan räknas fram ur de andra talen, så att ingen enskild kan pekas ut."
        ) % {"hidden": HIDDEN, "highest": self.threshold - 1}


def threshold() -> int:
    return int(settings.INSYN_SUPPRESSION_THRESHOLD)


def _atoms(
    items: list[CouncilItem], history: Sequence[PublishedTable]
) -> tuple[list[dict[str, int]], dict[FigureKey, list[int]]]:
    """The unknowns an outsider faces: the waits grouped by the rows they are counted in, over
    every table ("atoms"). Returns each atom's women and men, and the atoms of each row."""
    rows_of_wait: dict[object, set[FigureKey]] = {}
    sex_of_wait: dict[object, str] = {}
    tables = [(("now",), items)] + [(("past", *table.key), table.items) for table in history]
    for index, (table, members) in enumerate(tables):
        for position, item in enumerate(members):
            wait: object = item.wait if item.wait is not None else (index, position)
            rows_of_wait.setdefault(wait, set()).add((*table, item.section, item.decision_type))
            # The latest sex known: the current report's, else the latest published one's.
            sex_of_wait.setdefault(wait, item.legal_sex)
    by_signature: dict[tuple[FigureKey, ...], dict[str, int]] = {}
    for wait, rows in rows_of_wait.items():
        counts = by_signature.setdefault(tuple(sorted(rows)), {"female": 0, "male": 0})
        if sex_of_wait[wait] in counts:
            counts[sex_of_wait[wait]] += 1
    atoms: list[dict[str, int]] = []
    atoms_of_row: dict[FigureKey, list[int]] = {}
    for signature, counts in sorted(by_signature.items()):
        for row in signature:
            atoms_of_row.setdefault(row, []).append(len(atoms))
        atoms.append(counts)
    return atoms, atoms_of_row


def _problem(items: list[CouncilItem], history: Sequence[PublishedTable], limit: int) -> Problem:
    """The figures of this table and of every table published before it, over the atoms: each
    atom's women and men add up to its size, which the public lists give.

    An atom is never published, but tables subtract: a row shown 5/6 one quarter and 5/5 the next,
    after one decision left, gives that decision's sex. So an atom whose women or men are 1 to
    limit − 1 is a figure that must stay undetermined, as a hidden one – unless a row it is in
    holds one sex only: a row shown 0/7 says of each of its seven what the rule lets it say, and
    a row of one sex that is hidden is protected as a hidden figure."""
    atoms, atoms_of_row = _atoms(items, history)
    problem = Problem()
    rows_of_atom: dict[int, list[FigureKey]] = {}
    for row, numbers in atoms_of_row.items():
        for number in numbers:
            rows_of_atom.setdefault(number, []).append(row)

    def mixed(row: FigureKey) -> bool:
        return all(sum(atoms[n][sex] for n in atoms_of_row[row]) > 0 for sex in ("female", "male"))

    for number, counts in enumerate(atoms):
        size = counts["female"] + counts["male"]
        for sex, count in counts.items():
            problem.truth[("atom", number, sex)] = count
            problem.bounds[("atom", number, sex)] = (0, size)
        problem.add_relation(terms_of([("atom", number, "female"), ("atom", number, "male")]), size, size)
        if not history or not all(mixed(row) for row in rows_of_atom.get(number, [])):
            continue  # alone, a table's atoms are its rows, protected as such
        for sex, count in counts.items():
            if 0 < count < limit:
                problem.figures.append(
                    Figure(key=("atom", number, sex), terms=terms_of([("atom", number, sex)]), published_hidden=True)
                )

    def terms(row: FigureKey, sex: str) -> Terms:
        return terms_of([("atom", number, sex) for number in atoms_of_row.get(row, [])])

    _add_table(problem, (), items, None, terms)
    for table in history:
        _add_table(problem, ("past", *table.key), table.items, table.hidden, terms)
    return problem


def _add_table(
    problem: Problem,
    prefix: FigureKey,
    members: list[CouncilItem],
    published: frozenset[FigureKey] | None,
    terms: Callable[[FigureKey, str], Terms],
) -> None:
    """One table's figures; `published`: what a table already published hid (its figures are
    then fixed as shown or hidden), None for the table being decided."""
    row_key = prefix or ("now",)
    types = sorted({(item.section, item.decision_type) for item in members})

    def figure(key: FigureKey, figure_terms: Terms, *, protect: bool = True, group: FigureKey | None = None) -> Figure:
        if published is None:
            return Figure(key=key, terms=figure_terms, protect=protect, group=group)
        return Figure(
            key=(*prefix, *key),
            terms=figure_terms,
            protect=protect,
            group=(*prefix, *group) if group else None,
            published_hidden=protect and key in published,
        )

    for section, type_name in types:
        row = (*row_key, section, type_name)
        for sex in ("female", "male"):
            key = ("cell", section, type_name, sex)
            problem.figures.append(figure(key, terms(row, sex), group=("row", section, type_name)))
        problem.figures.append(
            figure(("total", section, type_name), terms(row, "female") + terms(row, "male"), protect=False)
        )
    for section in sorted({section for section, _type in types}):
        rows = [(*row_key, section, name) for s, name in types if s == section]
        for sex in ("female", "male"):
            summed = tuple(term for row in rows for term in terms(row, sex))
            problem.figures.append(figure(("sum", section, sex), summed, group=("sums", section)))
        everyone = tuple(term for row in rows for sex in ("female", "male") for term in terms(row, sex))
        problem.figures.append(figure(("sum_total", section), everyone, protect=False))


def hidden_figures(
    items: Iterable[CouncilItem], *, history: Sequence[PublishedTable] = (), limit: int | None = None
) -> frozenset[FigureKey]:
    """Which figures of this table to show as "–", decided jointly with every table published
    before it: a count from 1 to limit − 1 is hidden, and so is whatever, with all the figures
    shown now and before, would let a hidden one (now or before) be worked out."""
    members = list(items)
    limit = threshold() if limit is None else limit
    if not members:
        return frozenset()
    problem = _problem(members, history, limit)
    try:
        decided = decide(problem, limit).hidden
    except Unsafe:
        # What was published before already gives a small count away (a table submitted before
        # tables were protected together): nothing shown now can undo that, so show no split.
        decided = frozenset(f.key for f in problem.figures if f.protect and f.published_hidden is None)
    keys = [key for key in decided if isinstance(key, tuple)]
    return frozenset(key for key in keys if key[0] not in ("past", "atom"))


def council_table(
    items: Iterable[CouncilItem],
    *,
    as_of: datetime.date,
    limit: int | None = None,
    history: Sequence[PublishedTable] = (),
    hidden: frozenset[FigureKey] | None = None,
) -> CouncilTable:
    """Group the items per section and type and count women and men; `hidden`: what a submitted
    report hid (else decided now, with the `history` of published tables)."""
    members = list(items)
    limit = threshold() if limit is None else limit
    if hidden is None:
        hidden = hidden_figures(members, history=history, limit=limit)
    grouped: dict[tuple[int, str], list[CouncilItem]] = {}
    for item in members:
        grouped.setdefault((item.section, item.decision_type), []).append(item)

    def count(group: list[CouncilItem], sex: str) -> int:
        return sum(1 for m in group if m.legal_sex == sex)

    sections = []
    for section in (Section.NOT_EXECUTED, Section.INTERRUPTED):
        rows = [
            CouncilRow(
                decision_type=type_name,
                section=int(section),
                women=count(group, "female"),
                men=count(group, "male"),
                days=sorted(m.days for m in group),
                protected=("cell", section, type_name, "female") in hidden
                or ("cell", section, type_name, "male") in hidden,
            )
            for (s, type_name), group in sorted(grouped.items(), key=lambda item: swedish_key(item[0][1]))
            if s == section
        ]
        sections.append(
            CouncilSection(
                section=int(section),
                rows=rows,
                women=sum(row.women for row in rows),
                men=sum(row.men for row in rows),
                protected=("sum", section, "female") in hidden or ("sum", section, "male") in hidden,
            )
        )
    return CouncilTable(as_of=as_of, threshold=limit, sections=sections)


def _items_of_rows(rows: Iterable[tuple[Any, ...]], as_of: datetime.date) -> list[CouncilItem]:
    return [
        CouncilItem(type_name, section, frozen or registry, (as_of - start).days, (decision_id, start.isoformat()))
        for type_name, section, frozen, registry, start, decision_id in rows
    ]


ROW_FIELDS = (
    "decision_type_name",
    "section",
    "legal_sex",
    "decision__person__legal_sex",
    "episode_start",
    "decision_id",
)


def report_council_items(report: QuarterlyReport) -> list[CouncilItem]:
    """The report's rows in sections 1 and 2, with the person's sex as the report stored it and
    the days waited to the report date. Read from the stored rows, so a submitted report gives
    the same table."""
    rows = report.rows.filter(section__in=[Section.NOT_EXECUTED, Section.INTERRUPTED]).values_list(*ROW_FIELDS)
    return _items_of_rows(rows, report.as_of)


def published_history(municipality: Any, *, before: tuple[int, int]) -> list[PublishedTable]:
    """Every council table the municipality has published (its submitted reports) before a
    quarter, with what each hid: two queries whatever the number of quarters."""
    reports = list(submitted_reports_before(municipality, Quarter(*before)).order_by("year", "quarter"))
    if not reports:
        return []
    rows_by_report: dict[int, list[tuple[Any, ...]]] = {report.pk: [] for report in reports}
    for values in (
        ReportRow.objects.filter(report__in=reports, section__in=[Section.NOT_EXECUTED, Section.INTERRUPTED])
        .order_by("report_id", "position")
        .values_list("report_id", *ROW_FIELDS)
    ):
        rows_by_report[values[0]].append(values[1:])
    history: list[PublishedTable] = []
    for report in reports:
        items = _items_of_rows(rows_by_report[report.pk], report.as_of)
        if report.council_hidden is None:
            # Submitted before tables were kept: as it was shown then, from its own rows alone.
            hidden = hidden_figures(items)
        else:
            hidden = frozenset(tuple(key) for key in report.council_hidden)
        history.append(PublishedTable(key=(report.year, report.quarter), items=items, hidden=hidden))
    return history


def council_hidden_of(report: QuarterlyReport) -> list[list[Any]]:
    """What the report's table hides, decided with every table published before it, in the
    form the report keeps (QuarterlyReport.council_hidden)."""
    history = published_history(report.municipality, before=(report.year, report.quarter))
    return sorted([list(key) for key in hidden_figures(report_council_items(report), history=history)])


def report_council_table(report: QuarterlyReport) -> CouncilTable:
    items = report_council_items(report)
    if report.is_submitted and report.council_hidden is not None:
        return council_table(items, as_of=report.as_of, hidden=frozenset(tuple(k) for k in report.council_hidden))
    return council_table(items, as_of=report.as_of, hidden=_draft_hidden(report, items))


# A draft's protection is decided with every table published before it: linear programmes worth
# 50 ms and more once a municipality has a history, asked again by every view of the draft. It
# depends only on the draft's rows (recomputed with computed_at), the tables submitted before it
# (frozen once submitted: their number and latest submission tell the set) and the threshold, so
# each process keeps the last answers under exactly that key.
DRAFT_CACHE_SIZE = 256
_draft_cache: OrderedDict[tuple[Any, ...], frozenset[FigureKey]] = OrderedDict()
_draft_cache_lock = threading.Lock()


def _draft_hidden(report: QuarterlyReport, items: Sequence[CouncilItem]) -> frozenset[FigureKey]:
    earlier = submitted_reports_before(report.municipality, Quarter(report.year, report.quarter)).aggregate(
        count=Count("pk"), latest=Max("submitted_at")
    )
    key = (report.pk, report.computed_at, earlier["count"], earlier["latest"], threshold())
    with _draft_cache_lock:
        if key in _draft_cache:
            _draft_cache.move_to_end(key)
            return _draft_cache[key]
    history = published_history(report.municipality, before=(report.year, report.quarter))
    hidden = hidden_figures(items, history=history)
    with _draft_cache_lock:
        _draft_cache[key] = hidden
        while len(_draft_cache) > DRAFT_CACHE_SIZE:
            _draft_cache.popitem(last=False)
    return hidden


def council_json(table: CouncilTable) -> list[dict[str, Any]]:
    """`council_statistics` of the report's JSON: exact counts, for the nämnd's and the auditors'
    own use, and whether the documents for KF hide the split (`protected`)."""
    return [
        {
            "decision_type": row.decision_type,
            "section": row.section,
            "women": row.women,
            "men": row.men,
            "days": row.days,
            "protected": row.protected,
        }
        for row in table.rows
    ]
