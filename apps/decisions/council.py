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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from lib.disclosure import Figure, Problem, decide, terms_of
from lib.nonexecution import Section
from lib.swedish import swedish_key

from .models import QuarterlyReport

COUNCIL_SECTIONS = {
    Section.NOT_EXECUTED: "1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut",
    Section.INTERRUPTED: (
        "2. Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet"
    ),
}
DAYS_LABELS = {
    Section.NOT_EXECUTED: "Dagar sedan beslutet",
    Section.INTERRUPTED: "Dagar sedan avbrottet",
}
HIDDEN = "–"


@dataclass(frozen=True)
class CouncilItem:
    """One decision (or interruption) in section 1 or 2 of a report."""

    decision_type: str
    section: int
    legal_sex: str  # "female" or "male", as the person registry holds it
    days: int


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
        return COUNCIL_SECTIONS[Section(self.section)]

    @property
    def days_label(self) -> str:
        return DAYS_LABELS[Section(self.section)]

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
    def any_protected(self) -> bool:
        return any(row.protected for row in self.rows) or any(s.protected for s in self.sections)

    @property
    def note(self) -> str:
        return (
            f"{HIDDEN} = fördelningen på kvinnor och män visas inte när ett antal är 1–{self.threshold - 1} "
            "eller kan räknas fram ur de andra talen, så att ingen enskild kan pekas ut."
        )


def threshold() -> int:
    return int(settings.INSYN_SUPPRESSION_THRESHOLD)


def council_table(items: Iterable[CouncilItem], *, as_of: datetime.date, limit: int | None = None) -> CouncilTable:
    """Group the items per section and type, count women and men, and decide which splits are shown."""
    limit = threshold() if limit is None else limit
    grouped: dict[tuple[int, str], list[CouncilItem]] = {}
    for item in items:
        grouped.setdefault((item.section, item.decision_type), []).append(item)
    problem = Problem()
    for (section, type_name), members in grouped.items():
        for sex in ("female", "male"):
            unknown = ("x", section, type_name, sex)
            problem.truth[unknown] = sum(1 for m in members if m.legal_sex == sex)
            problem.figures.append(
                Figure(
                    key=("cell", section, type_name, sex), terms=terms_of([unknown]), group=("row", section, type_name)
                )
            )
        both = [("x", section, type_name, sex) for sex in ("female", "male")]
        problem.figures.append(Figure(key=("total", section, type_name), terms=terms_of(both), protect=False))
    for section in {s for s, _t in grouped}:
        names = [t for s, t in grouped if s == section]
        for sex in ("female", "male"):
            problem.figures.append(
                Figure(
                    key=("sum", section, sex),
                    terms=terms_of([("x", section, name, sex) for name in names]),
                    group=("sums", section),
                )
            )
        everyone = [("x", section, name, sex) for name in names for sex in ("female", "male")]
        problem.figures.append(Figure(key=("sum_total", section), terms=terms_of(everyone), protect=False))
    hidden = decide(problem, limit).hidden if problem.figures else frozenset()

    sections = []
    for section in (Section.NOT_EXECUTED, Section.INTERRUPTED):
        rows = [
            CouncilRow(
                decision_type=type_name,
                section=int(section),
                women=problem.truth[("x", section, type_name, "female")],
                men=problem.truth[("x", section, type_name, "male")],
                days=sorted(m.days for m in members),
                protected=("cell", section, type_name, "female") in hidden
                or ("cell", section, type_name, "male") in hidden,
            )
            for (s, type_name), members in sorted(grouped.items(), key=lambda item: swedish_key(item[0][1]))
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


def report_council_items(report: QuarterlyReport) -> list[CouncilItem]:
    """The report's rows in sections 1 and 2, with the person's sex and the days waited to the
    report date. Read from the stored rows, so a submitted report gives the same table."""
    rows = report.rows.filter(section__in=[Section.NOT_EXECUTED, Section.INTERRUPTED]).values_list(
        "decision_type_name", "section", "decision__person__legal_sex", "episode_start"
    )
    return [
        CouncilItem(type_name, section, sex, (report.as_of - start).days) for type_name, section, sex, start in rows
    ]


def report_council_table(report: QuarterlyReport) -> CouncilTable:
    return council_table(report_council_items(report), as_of=report.as_of)


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
