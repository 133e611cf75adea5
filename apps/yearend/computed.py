"""Key figures Insyn computes from its own data, so they are never typed twice.

A key figure names one of COMPUTED_MEASURES in `KeyFigure.computed_measure`; computed_values_refresh
writes its outcomes (origin "computed") for the report's year and the two years before. Every
measure is a count over the nämnd's own municipality, read where it lives:

- the decision register: the favourable decisions reported as not executed within three months
  (sections 1 and 2 of the year's submitted quarterly reports, each decision counted once however
  many quarters list it – the statistics of seed 000);
- ACTivera: the participants of the municipality's own unit active in the year, by gender, and
  those who left in the year, **as the year's annual delivery was released to the förbund**.

The årsbokslut is a public document. Its decision counts are coarser than the quarterly reports the
council already receives; its ACTivera counts are exactly the released ones, so that nothing in it
undoes the protection of what the förbund publishes: a count the release hides is "visas ej"
here too. A year without the data (no submitted quarterly report, no released annual delivery) has
no outcome ("-").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.activera.models import Delivery, DeliveryKind, Gender
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.decisions.models import QuarterlyReport, ReportRow, ReportStatus
from apps.organisations.models import Organisation
from insyn.errors import ValidationFailed
from lib.nonexecution import Section
from lib.swedish import quoted

from .models import KeyFigure, KeyFigureOrigin, KeyFigureValue
from .services.common import audit_yearend, require_namnd

DECISIONS_SOURCE = "Insyn, register över gynnande beslut (kvartalsrapporterna)"  # i18n: data
ACTIVERA_SOURCE = "Insyn, ACTivera"  # i18n: data


@dataclass(frozen=True)
class Measure:
    label: str
    source: str
    # (the nämnd's municipality, year) → the outcome, or None when there is nothing to count.
    compute: Callable[[Organisation, int], Decimal | str | None]


def _decisions_reported(sections: tuple[Section, ...]) -> Callable[[Organisation, int], Decimal | str | None]:
    def compute(municipality: Organisation, year: int) -> Decimal | str | None:
        reports = QuarterlyReport.objects.filter(municipality=municipality, year=year, status=ReportStatus.SUBMITTED)
        if not reports.exists():
            return None
        rows = ReportRow.objects.filter(report__in=reports, section__in=[int(s) for s in sections])
        return Decimal(rows.values("decision_id").distinct().count())

    return compute


# What the årsbokslut shows of a count the förbund's release hides (its "–"): the report is a public
# document, so it must not print what the joint protection of the release withholds.
HIDDEN = "visas ej"  # i18n: data (stored as the outcome's text)


def _released_participants(row: str, column: str | None = None) -> Callable[[Organisation, int], Decimal | str | None]:
    """A cell of the "Deltagare per kön" table (row "active" or "exited"; a gender column, or the
    row's total) of the municipality's annual ACTivera deliveries **as released to the förbund**:
    the årsbokslut is published, so it shows exactly what the förbund already shows, protected
    jointly with everything else (apps/activera/releases.py), and nothing before the release."""

    def compute(municipality: Organisation, year: int) -> Decimal | str | None:
        deliveries = list(
            Delivery.objects.filter(
                kind=DeliveryKind.ANNUAL,
                year=year,
                released_at__isnull=False,
                programme_unit__unit__parent=municipality,
            ).order_by("pk")
        )
        if not deliveries:
            return None
        total = 0
        for delivery in deliveries:
            table = next(t for t in delivery.content["tables"] if t["key"] == "participants")
            index = table["row_keys"].index(row)
            if column is None:
                value = table["row_totals"][index]
            else:
                value = table["cells"][index][table["column_keys"].index(column)]
            if value is None:
                return HIDDEN
            total += int(value)
        return Decimal(total)

    return compute


# The labels and sources are copied into the key figure's stored name and source (Swedish, as in the
# årsbokslut), hence "i18n: data".
COMPUTED_MEASURES: dict[str, Measure] = {
    "decisions_not_executed": Measure(
        "Antal gynnande beslut som inte verkställts inom tre månader från beslut eller avbrott",  # i18n: data
        DECISIONS_SOURCE,
        _decisions_reported((Section.NOT_EXECUTED, Section.INTERRUPTED)),
    ),
    "decisions_not_executed_after_decision": Measure(
        "Antal gynnande beslut som inte verkställts inom tre månader från dagen för beslut",  # i18n: data
        DECISIONS_SOURCE,
        _decisions_reported((Section.NOT_EXECUTED,)),
    ),
    "decisions_not_executed_after_interruption": Measure(
        "Antal gynnande beslut som avbrutits och inte verkställts inom tre månader från avbrottet",  # i18n: data
        DECISIONS_SOURCE,
        _decisions_reported((Section.INTERRUPTED,)),
    ),
    "activera_participants": Measure(
        "Antal deltagare i ACTivera under året",  # i18n: data
        ACTIVERA_SOURCE,
        _released_participants("active"),
    ),
    "activera_participants_women": Measure(
        "Antal deltagare i ACTivera under året, kvinnor",  # i18n: data
        ACTIVERA_SOURCE,
        _released_participants("active", Gender.WOMAN),
    ),
    "activera_participants_men": Measure(
        "Antal deltagare i ACTivera under året, män",  # i18n: data
        ACTIVERA_SOURCE,
        _released_participants("active", Gender.MAN),
    ),
    "activera_exits": Measure(
        "Antal avslut i ACTivera under året",  # i18n: data
        ACTIVERA_SOURCE,
        _released_participants("exited"),
    ),
}


def computed_value(measure: str, *, namnd: Organisation, year: int) -> Decimal | str | None:
    """One measure's outcome for the nämnd's municipality in a year."""
    if measure not in COMPUTED_MEASURES:
        raise ValidationFailed(
            _("Insyn kan inte beräkna %(measure)s; kända mått: %(known)s.")
            % {"measure": quoted(measure), "known": ", ".join(COMPUTED_MEASURES)}
        )
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
            _("Insyn kan inte beräkna %(measure)s; kända mått: %(known)s.")
            % {"measure": ", ".join(unknown), "known": ", ".join(COMPUTED_MEASURES)}
        )
    years = (year, year - 1, year - 2)
    cache: dict[tuple[str, int], Decimal | str | None] = {}
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
                    defaults=(
                        {"value": None, "text": value, "origin": KeyFigureOrigin.COMPUTED}
                        if isinstance(value, str)
                        else {"value": value, "text": "", "origin": KeyFigureOrigin.COMPUTED}
                    ),
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
