"""Key figures Insyn computes from its own data, so they are never typed twice.

A key figure names one of COMPUTED_MEASURES in `KeyFigure.computed_measure`; computed_values_refresh
writes its outcomes (origin "computed") for the report's year and the two years before. Every
measure is a count over the nämnd's own municipality, read where it lives:

- the decision register: the favourable decisions reported as not executed within three months
  (sections 1 and 2 of the year's submitted quarterly reports, each decision counted once however
  many quarters list it – the statistics of seed 000);
- ACTivera: the participants of the municipality's own unit active in the year (started by its
  end and not left before its start, as the förbund's statistics count them), by gender, and
  those who left in the year.

These are aggregates inside the municipality; no personal data leaves it. A year without the data
to count (no submitted quarterly report, no ACTivera agreement covering it) has no outcome ("-").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from apps.accounts.models import User
from apps.activera.models import Enrolment, Gender, ProgrammeUnit
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.decisions.models import QuarterlyReport, ReportRow, ReportStatus
from apps.organisations.models import Organisation
from insyn.errors import ValidationFailed
from lib.nonexecution import Section

from .models import KeyFigure, KeyFigureOrigin, KeyFigureValue
from .services.common import audit_yearend, require_namnd

DECISIONS_SOURCE = "Insyn, register över gynnande beslut (kvartalsrapporterna)"
ACTIVERA_SOURCE = "Insyn, ACTivera"


@dataclass(frozen=True)
class Measure:
    label: str
    source: str
    # (the nämnd's municipality, year) → the outcome, or None when there is nothing to count.
    compute: Callable[[Organisation, int], Decimal | None]


def _decisions_reported(sections: tuple[Section, ...]) -> Callable[[Organisation, int], Decimal | None]:
    def compute(municipality: Organisation, year: int) -> Decimal | None:
        reports = QuarterlyReport.objects.filter(municipality=municipality, year=year, status=ReportStatus.SUBMITTED)
        if not reports.exists():
            return None
        rows = ReportRow.objects.filter(report__in=reports, section__in=[int(s) for s in sections])
        return Decimal(rows.values("decision_id").distinct().count())

    return compute


def _units(municipality: Organisation, year: int) -> list[ProgrammeUnit]:
    """The municipality's own ACTivera units with an agreement covering part of the year."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return list(ProgrammeUnit.objects.filter(unit__parent=municipality, period_start__lte=last, period_end__gte=first))


def _activera(*, exited: bool, gender: str | None = None) -> Callable[[Organisation, int], Decimal | None]:
    def compute(municipality: Organisation, year: int) -> Decimal | None:
        units = _units(municipality, year)
        if not units:
            return None
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        enrolments = Enrolment.objects.filter(programme_unit__in=units)
        if exited:
            enrolments = enrolments.filter(exit_date__range=(first, last))
        else:
            enrolments = enrolments.filter(Q(exit_date__isnull=True) | Q(exit_date__gte=first), start_date__lte=last)
        if gender is not None:
            enrolments = enrolments.filter(gender=gender)
        return Decimal(enrolments.count())

    return compute


COMPUTED_MEASURES: dict[str, Measure] = {
    "decisions_not_executed": Measure(
        "Antal gynnande beslut som inte verkställts inom tre månader från beslut eller avbrott",
        DECISIONS_SOURCE,
        _decisions_reported((Section.NOT_EXECUTED, Section.INTERRUPTED)),
    ),
    "decisions_not_executed_after_decision": Measure(
        "Antal gynnande beslut som inte verkställts inom tre månader från dagen för beslut",
        DECISIONS_SOURCE,
        _decisions_reported((Section.NOT_EXECUTED,)),
    ),
    "decisions_not_executed_after_interruption": Measure(
        "Antal gynnande beslut som avbrutits och inte verkställts inom tre månader från avbrottet",
        DECISIONS_SOURCE,
        _decisions_reported((Section.INTERRUPTED,)),
    ),
    "activera_participants": Measure("Antal deltagare i ACTivera under året", ACTIVERA_SOURCE, _activera(exited=False)),
    "activera_participants_women": Measure(
        "Antal deltagare i ACTivera under året, kvinnor", ACTIVERA_SOURCE, _activera(exited=False, gender=Gender.WOMAN)
    ),
    "activera_participants_men": Measure(
        "Antal deltagare i ACTivera under året, män", ACTIVERA_SOURCE, _activera(exited=False, gender=Gender.MAN)
    ),
    "activera_exits": Measure("Antal avslut i ACTivera under året", ACTIVERA_SOURCE, _activera(exited=True)),
}


def computed_value(measure: str, *, namnd: Organisation, year: int) -> Decimal | None:
    """One measure's outcome for the nämnd's municipality in a year."""
    if measure not in COMPUTED_MEASURES:
        raise ValidationFailed(f"Insyn kan inte beräkna {measure!r}; kända mått: {', '.join(COMPUTED_MEASURES)}.")
    if namnd.parent is None:
        return None
    return COMPUTED_MEASURES[measure].compute(namnd.parent, year)


def computed_values_refresh(
    *, namnd: Organisation, year: int, actor: User | None = None, context: AuditContext | None = None
) -> int:
    """Write the outcomes of every key figure of the nämnd's goals of `year` that names a computed
    measure, for the year and the two before, replacing what was there; a year without data to
    count loses an earlier computed outcome. Returns the number of outcomes written."""
    require_namnd(actor, namnd)
    figures = list(
        KeyFigure.objects.filter(table__council_goal__namnd=namnd, table__council_goal__year=year)
        .exclude(computed_measure="")
        .order_by("pk")
    )
    unknown = sorted({f.computed_measure for f in figures if f.computed_measure not in COMPUTED_MEASURES})
    if unknown:
        raise ValidationFailed(
            f"Insyn kan inte beräkna {', '.join(unknown)}; kända mått: {', '.join(COMPUTED_MEASURES)}."
        )
    years = (year, year - 1, year - 2)
    cache: dict[tuple[str, int], Decimal | None] = {}
    written = 0
    with transaction.atomic():
        for figure in figures:
            for y in years:
                key = (figure.computed_measure, y)
                if key not in cache:
                    cache[key] = computed_value(figure.computed_measure, namnd=namnd, year=y)
                value = cache[key]
                if value is None:
                    KeyFigureValue.objects.filter(key_figure=figure, year=y, origin=KeyFigureOrigin.COMPUTED).delete()
                    continue
                KeyFigureValue.objects.update_or_create(
                    key_figure=figure,
                    year=y,
                    defaults={"value": value, "text": "", "origin": KeyFigureOrigin.COMPUTED},
                )
                written += 1
        if figures:
            audit_yearend(
                actor=actor,
                action=AuditAction.YEAREND_CHANGE,
                namnd=namnd,
                object_type="yearend_figures",
                object_id=f"{namnd.slug}:computed",
                context=context,
                change="computed_refresh",
                year=year,
                written=written,
                measures=sorted({f.computed_measure for f in figures}),
            )
    return written
