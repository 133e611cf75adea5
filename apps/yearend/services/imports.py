"""The ledger's and the HR system's figures read from CSV or XLSX, all or nothing: every problem
with its row and column, and nothing written unless the whole file is right. Each row replaces the
same figure (year and group, item or measure) if it is there; figures the file does not name are
kept; prognoses are replaced a year at a time, in the file's order.

Formats (semicolon or comma separated, UTF-8, header row as below; amounts in kronor, decimal
comma or point):
  economy      år;kontogrupp;budget_kr;utfall_kr
  investments  år;investering;budget_kr;utfall_kr
  prognoses    år;avstämningstillfälle;prognos_kr      (in the order of the file)
  staff        år;mått;värde
  sickleave    år;grupp;sjuktimmar;ordinarie_timmar
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from insyn.errors import FieldProblems, ImportFailed, ImportProblem
from lib.report_numbers import parse_number
from lib.swedish import quoted
from lib.tabular import TableError, read_table

from ..models import (
    InvestmentFigure,
    InvestmentItem,
    LedgerFigure,
    LedgerGroup,
    PrognosisFigure,
    SickLeaveFigure,
    SickLeaveGroup,
    StaffFigure,
    StaffMeasure,
)
from .common import audit_yearend, guard_published_text, require_namnd

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("1e13")


@dataclass(frozen=True)
class Column:
    name: str  # as normalised by lib.tabular ("år" → "ar")
    shown: str  # as the user writes it
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: StrOrPromise
    model: type[Model]
    columns: list[Column]
    # The parsed row's fields that identify a figure within a year (with namnd, year, period).
    identity: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    years: list[int]


def _year(text: str) -> int:
    if not text.strip().isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ValueError(
            _("%(value)s är inget år mellan %(first)s och %(last)s.")
            % {"value": quoted(text.strip()), "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return int(text)


def _amount(text: str) -> Decimal:
    value = parse_number(text)
    if abs(value) >= MAX_AMOUNT:
        raise ValueError(_("Beloppet är orimligt stort."))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("Belopp anges i kronor med högst två decimaler."))
    return value


def _not_negative(text: str) -> Decimal:
    value = parse_number(text)
    if value < 0:
        raise ValueError(_("Värdet får inte vara negativt."))
    if abs(value) >= Decimal("1e8"):
        raise ValueError(_("Värdet är orimligt stort."))
    return value


def _choice(choices: type[Any]) -> Callable[[str], str]:
    values = [c.value for c in choices]

    def parse(text: str) -> str:
        key = text.strip().lower()
        if key not in values:
            raise ValueError(
                _("%(value)s är okänt; använd något av %(known)s.")
                % {"value": quoted(text.strip()), "known": ", ".join(values)}
            )
        return key

    return parse


def _label(text: str) -> str:
    if not text.strip():
        raise ValueError(_("Värdet saknas."))
    if len(text.strip()) > 120:
        raise ValueError(_("Högst 120 tecken."))
    return text.strip()


YEAR = Column("ar", "år", _year)
KINDS = {
    "economy": ImportKind(
        "economy",
        gettext_lazy("driftredovisning"),
        LedgerFigure,
        [
            YEAR,
            Column("kontogrupp", "kontogrupp", _choice(LedgerGroup)),
            Column("budget_kr", "budget_kr", _amount),
            Column("utfall_kr", "utfall_kr", _amount),
        ],
        ("group",),
    ),
    "investments": ImportKind(
        "investments",
        gettext_lazy("investeringar"),
        InvestmentFigure,
        [
            YEAR,
            Column("investering", "investering", _choice(InvestmentItem)),
            Column("budget_kr", "budget_kr", _amount),
            Column("utfall_kr", "utfall_kr", _amount),
        ],
        ("item",),
    ),
    "prognoses": ImportKind(
        "prognoses",
        gettext_lazy("prognoser"),
        PrognosisFigure,
        [
            YEAR,
            Column("avstamningstillfalle", "avstämningstillfälle", _label),
            Column("prognos_kr", "prognos_kr", _amount),
        ],
        ("occasion",),
        ordered=True,
    ),
    "staff": ImportKind(
        "staff",
        gettext_lazy("personalstatistik"),
        StaffFigure,
        [YEAR, Column("matt", "mått", _choice(StaffMeasure)), Column("varde", "värde", _not_negative)],
        ("measure",),
    ),
    "sickleave": ImportKind(
        "sickleave",
        gettext_lazy("sjukfrånvaro"),
        SickLeaveFigure,
        [
            YEAR,
            Column("grupp", "grupp", _choice(SickLeaveGroup)),
            Column("sjuktimmar", "sjuktimmar", _not_negative),
            Column("ordinarie_timmar", "ordinarie_timmar", _not_negative),
        ],
        ("group",),
    ),
}
# The model field each column fills.
FIELDS = {
    "ar": "year",
    "kontogrupp": "group",
    "investering": "item",
    "budget_kr": "budget_kr",
    "utfall_kr": "outcome_kr",
    "avstamningstillfalle": "occasion",
    "prognos_kr": "result_kr",
    "matt": "measure",
    "varde": "value",
    "grupp": "group",
    "sjuktimmar": "sick_hours",
    "ordinarie_timmar": "ordinary_hours",
}


def _check_row(kind: ImportKind, values: dict[str, Any], row: int, problems: list[ImportProblem]) -> None:
    if kind.key == "prognoses" and values.get("occasion"):
        # The names of the reconciliations are printed in the published report.
        found = FieldProblems()
        guard_published_text(found, {"occasion": values["occasion"]})
        problems += [ImportProblem(row, "avstämningstillfälle", message) for message in found.get("occasion", [])]
    if kind.key == "sickleave" and "sick_hours" in values and "ordinary_hours" in values:
        if values["ordinary_hours"] == 0:
            problems.append(ImportProblem(row, "ordinarie_timmar", _("Ordinarie timmar måste vara fler än noll.")))
        elif values["sick_hours"] > values["ordinary_hours"]:
            problems.append(ImportProblem(row, "sjuktimmar", _("Sjuktimmarna är fler än de ordinarie timmarna.")))


def parse_figures(kind_key: str, filename: str, data: bytes) -> list[dict[str, Any]]:
    """The file's rows as model fields, or ImportFailed with every problem."""
    kind = KINDS[kind_key]
    try:
        table = read_table(filename, data)
    except TableError as exc:
        raise ImportFailed([ImportProblem(0, "", str(exc))]) from exc
    problems: list[ImportProblem] = []
    missing = [c.shown for c in kind.columns if c.name not in table.headers]
    if missing:
        expected = ";".join(c.shown for c in kind.columns)
        message = _("Kolumnen saknas; filen ska ha rubrikraden %(header)s.") % {"header": expected}
        raise ImportFailed([ImportProblem(1, column, message) for column in missing])
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row, raw in table.rows:
        if not any(value.strip() for value in raw.values()):
            continue
        values: dict[str, Any] = {"_row": row}
        for column in kind.columns:
            try:
                values[FIELDS[column.name]] = column.parse(raw.get(column.name, ""))
            except ValueError as exc:
                problems.append(ImportProblem(row, column.shown, str(exc)))
        _check_row(kind, values, row, problems)
        identity = (values.get("year"), *(values.get(field) for field in kind.identity))
        if None not in identity:
            if identity in seen:
                problems.append(
                    ImportProblem(
                        row,
                        kind.columns[1].shown,
                        _("Samma uppgift finns redan på rad %(row)s.") % {"row": seen[identity]},
                    )
                )
            else:
                seen[identity] = row
        parsed.append(values)
    if not parsed and not problems:
        problems.append(ImportProblem(0, "", _("Filen har inga rader med uppgifter.")))
    if problems:
        raise ImportFailed(problems)
    return parsed


def figures_import(
    *,
    actor: User | None,
    namnd: Organisation,
    kind: str,
    filename: str,
    data: bytes,
    period: str = "annual",
    context: AuditContext | None = None,
) -> ImportResult:
    """Read one of the KINDS into the nämnd's figures, all or nothing."""
    require_namnd(actor, namnd)
    spec = KINDS[kind]
    if period not in {"annual", "interim"}:
        raise ValueError(period)
    rows = parse_figures(kind, filename, data)
    years = sorted({row["year"] for row in rows})
    with transaction.atomic():
        manager = spec.model.objects  # type: ignore[attr-defined]
        if spec.ordered:
            # Prognoses are a sequence: the file's years are replaced whole, in the file's order.
            manager.filter(namnd=namnd, year__in=years).delete()
            positions: dict[int, int] = {}
            for row in rows:
                positions[row["year"]] = positions.get(row["year"], 0) + 1
                fields = {k: v for k, v in row.items() if not k.startswith("_")}
                manager.create(namnd=namnd, position=positions[row["year"]], **fields)
        else:
            for row in rows:
                fields = {k: v for k, v in row.items() if not k.startswith("_")}
                key = {field: fields.pop(field) for field in ("year", *spec.identity)}
                manager.update_or_create(namnd=namnd, period=period, **key, defaults=fields)
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_IMPORT,
            namnd=namnd,
            object_type="yearend_figures",
            object_id=f"{namnd.slug}:{kind}",
            context=context,
            kind=kind,
            period=period,
            rows=len(rows),
            years=years,
            filename=filename,
        )
    return ImportResult(kind=kind, rows=len(rows), years=years)
