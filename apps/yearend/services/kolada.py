"""Key figure outcomes read from a Kolada file, all or nothing.

The file is what Kolada's API v2 answers for
``https://api.kolada.se/v2/data/kpi/{kpi}/municipality/{kommunkod}/year/{years}``, saved as it came:

    {"count": 1,
     "values": [{"kpi": "N31807", "municipality": "1489", "period": 2022,
                 "values": [{"count": 1, "gender": "T", "status": "", "value": 81.0},
                            {"count": 1, "gender": "K", "status": "", "value": 80.0},
                            {"count": 1, "gender": "M", "status": "", "value": 82.0}]}],
     "next_page": null}

Every value whose KPI and gender (T total, K women, M men) match a key figure of the nämnd
(`KeyFigure.kolada_kpi`, `kolada_gender`) becomes that figure's outcome of the year (`period`),
replacing what was there. A value Kolada does not have (``null``, status "Saknas" and the like)
leaves the year as it is and is reported. The whole file is checked first; any problem – not
JSON, a key missing, a wrong type, a period that is not a year, another municipality, a value that
is not a number – refuses it with every problem, its row (the position in ``values``, from 1) and
its column (``values[3].period``), and nothing is written.

The municipality's id in Kolada is its kommunkod (Alingsås 1489). Insyn's organisations do not
hold it; the codes of the förbund's municipalities are known here, and any other is given by the
caller (`kommunkod`, the command's ``--kommunkod``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from insyn.errors import ImportFailed, ImportProblem, ValidationFailed
from lib.swedish import quoted

from ..models import KeyFigure, KeyFigureOrigin, KeyFigureValue
from .common import audit_yearend, require_namnd

# SCB's kommunkoder of the förbund's municipalities (Kolada's municipality ids).
KOMMUNKOD: dict[str, str] = {
    "alingsas": "1489",
    "harryda": "1401",
    "lerum": "1441",
    "molndal": "1481",
    "partille": "1402",
}
GENDERS = {"T": "totalt", "K": "kvinnor", "M": "män"}
FIRST_YEAR, LAST_YEAR = 2000, 2100
# KeyFigureValue.value: 14 digits, 4 of them decimals.
VALUE_LIMIT = Decimal("1e10")
VALUE_PLACES = Decimal("0.0001")
KOMMUNKOD_PATTERN = re.compile(r"^\d{4}$")
KPI_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,20}$")


@dataclass(frozen=True)
class KoladaValue:
    row: int  # position in the file's values[], from 1
    kpi: str
    gender: str
    year: int
    value: Decimal | None
    status: str


@dataclass(frozen=True)
class KoladaFile:
    values: list[KoladaValue]
    # The answer was one page of several ("next_page" set): what is here is read, the rest is not.
    more_pages: bool


@dataclass(frozen=True)
class MissingValue:
    kpi: str
    gender: str
    year: int
    status: str

    def __str__(self) -> str:
        why = f" ({self.status})" if self.status else ""
        return _("%(kpi)s %(gender)s %(year)s: värde saknas i Kolada%(why)s") % {
            "kpi": self.kpi,
            "gender": self.gender,
            "year": self.year,
            "why": why,
        }


@dataclass(frozen=True)
class KoladaImportResult:
    written: int  # key figure outcomes written or replaced
    figures: int  # key figures that got at least one outcome
    years: list[int]
    unmatched: list[str]  # "N31807 K": in the file, but no key figure of the nämnd asks for it
    missing: list[MissingValue]  # asked for by a key figure, but Kolada has no value
    more_pages: bool

    def summary(self) -> str:
        """One Swedish line for the command line and the page."""
        figures = ngettext("%(count)s nyckeltal", "%(count)s nyckeltal", self.figures) % {"count": self.figures}
        parts = [
            ngettext(
                "%(written)s utfall för %(figures)s inlästa", "%(written)s utfall för %(figures)s inlästa", self.written
            )
            % {"written": self.written, "figures": figures}
        ]
        if self.missing:
            count = len(self.missing)
            parts.append(
                ngettext("%(count)s saknar värde i Kolada", "%(count)s saknar värde i Kolada", count) % {"count": count}
            )
        if self.unmatched:
            parts.append(_("inget nyckeltal för %(kpis)s") % {"kpis": ", ".join(self.unmatched)})
        if self.more_pages:
            parts.append(_("filen är bara en sida av svaret (next_page): hämta och läs in även de följande"))
        return "; ".join(parts) + "."


def kommunkod_of(namnd: Organisation) -> str | None:
    municipality = namnd.parent
    return KOMMUNKOD.get(municipality.slug) if municipality is not None else None


def _period(raw: Any) -> int | None:
    """Kolada gives the period as a number (2022); its documentation says a string ("2022")."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        year = raw
    elif isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) == 4:
        year = int(raw.strip())
    else:
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _number(raw: Any) -> Decimal | None:
    """A JSON number as a Decimal; None when it is not one (a bool, a string, an object)."""
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _reject_constant(name: str) -> Any:
    raise ValueError(_("%(name)s är inget tal i JSON") % {"name": name})


def _load(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [ImportProblem(0, "", _("Filen är inte UTF-8-kodad text (Kolada svarar i UTF-8)."))]
        ) from exc
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            [
                ImportProblem(
                    0,
                    "",
                    _("Filen är inte JSON (rad %(line)s, tecken %(column)s): %(reason)s.")
                    % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg},
                )
            ]
        ) from exc
    except ValueError as exc:
        raise ImportFailed(
            [ImportProblem(0, "", _("Filen är inte giltig JSON: %(reason)s.") % {"reason": exc})]
        ) from exc


def _check_value(
    entry: Any, where: str, row: int, problems: list[ImportProblem]
) -> tuple[str, Decimal | None, str] | None:
    """One gender's value of a values[] item: (gender, value, status), or None after a problem."""
    if not isinstance(entry, dict):
        problems.append(ImportProblem(row, where, _("Ska vara ett objekt med gender och value.")))
        return None
    ok = True
    gender = entry.get("gender")
    if "gender" not in entry:
        problems.append(ImportProblem(row, f"{where}.gender", _("Nyckeln saknas.")))
        ok = False
    elif not isinstance(gender, str) or gender not in GENDERS:
        problems.append(
            ImportProblem(
                row,
                f"{where}.gender",
                _("%(value)s är inget kön i Kolada; använd T, K eller M.") % {"value": quoted(gender)},
            )
        )
        ok = False
    status = entry.get("status")
    if status is not None and not isinstance(status, str):
        problems.append(ImportProblem(row, f"{where}.status", _("Ska vara en text.")))
        ok = False
    value: Decimal | None = None
    if "value" not in entry:
        problems.append(ImportProblem(row, f"{where}.value", _("Nyckeln saknas (null om Kolada saknar värdet).")))
        ok = False
    elif entry["value"] is not None:
        value = _number(entry["value"])
        if value is None:
            problems.append(
                ImportProblem(row, f"{where}.value", _("%(value)s är inget tal.") % {"value": quoted(entry["value"])})
            )
            ok = False
        elif abs(value) >= VALUE_LIMIT:
            problems.append(ImportProblem(row, f"{where}.value", _("Värdet är orimligt stort.")))
            ok = False
        else:
            value = value.quantize(VALUE_PLACES)
    if not ok:
        return None
    assert isinstance(gender, str)
    return gender, value, (status or "").strip()


def parse_kolada(data: bytes, *, kommunkod: str) -> KoladaFile:
    """The file's values, or ImportFailed with every problem in it."""
    document = _load(data)
    if not isinstance(document, dict):
        raise ImportFailed(
            [ImportProblem(0, "", _("Filen ska vara ett JSON-objekt med listan values, som Kolada svarar."))]
        )
    if "values" not in document:
        raise ImportFailed([ImportProblem(0, "values", _("Nyckeln saknas; det är listan över Koladas värden."))])
    items = document["values"]
    if not isinstance(items, list):
        raise ImportFailed([ImportProblem(0, "values", _("Ska vara en lista."))])
    problems: list[ImportProblem] = []
    values: list[KoladaValue] = []
    seen: dict[tuple[str, int, str], int] = {}
    for index, item in enumerate(items):
        row, where = index + 1, f"values[{index}]"
        if not isinstance(item, dict):
            problems.append(
                ImportProblem(row, where, _("Ska vara ett objekt med kpi, municipality, period och values."))
            )
            continue
        missing = [key for key in ("kpi", "municipality", "period", "values") if key not in item]
        for key in missing:
            problems.append(ImportProblem(row, f"{where}.{key}", _("Nyckeln saknas.")))
        kpi = item.get("kpi")
        if "kpi" in item and (not isinstance(kpi, str) or not KPI_PATTERN.match(kpi.strip())):
            problems.append(
                ImportProblem(
                    row,
                    f"{where}.kpi",
                    _("%(value)s är inget Kolada-nyckeltal (t.ex. N31807).") % {"value": quoted(kpi)},
                )
            )
            kpi = None
        municipality = item.get("municipality")
        if "municipality" in item:
            if not isinstance(municipality, str):
                message = _('Ska vara kommunkoden som text, t.ex. "%(code)s".') % {"code": kommunkod}
                problems.append(ImportProblem(row, f"{where}.municipality", message))
            elif municipality.strip() != kommunkod:
                problems.append(
                    ImportProblem(
                        row,
                        f"{where}.municipality",
                        _("Värdet gäller kommun %(value)s, inte nämndens kommun (%(code)s).")
                        % {"value": municipality.strip(), "code": kommunkod},
                    )
                )
        year = _period(item.get("period")) if "period" in item else None
        if "period" in item and year is None:
            problems.append(
                ImportProblem(
                    row,
                    f"{where}.period",  # i18n: data (the JSON path)
                    _("%(value)s är inget år mellan %(first)s och %(last)s.")
                    % {"value": quoted(item["period"]), "first": FIRST_YEAR, "last": LAST_YEAR},
                )
            )
        entries = item.get("values")
        if "values" in item and not isinstance(entries, list):
            problems.append(ImportProblem(row, f"{where}.values", _("Ska vara en lista med ett värde per kön.")))
            entries = None
        checked = [
            _check_value(entry, f"{where}.values[{position}]", row, problems)
            for position, entry in enumerate(entries or [])
        ]
        if not isinstance(kpi, str) or year is None:
            continue
        for position, result in enumerate(checked):
            if result is None:
                continue
            gender, value, status = result
            identity = (kpi.strip().upper(), year, gender)
            if identity in seen:
                problems.append(
                    ImportProblem(
                        row,
                        f"{where}.values[{position}].gender",
                        _("%(kpi)s %(year)s kön %(gender)s finns redan på rad %(row)s.")
                        % {"kpi": identity[0], "year": year, "gender": gender, "row": seen[identity]},
                    )
                )
                continue
            seen[identity] = row
            values.append(KoladaValue(row=row, kpi=identity[0], gender=gender, year=year, value=value, status=status))
    if not items and not problems:
        problems.append(ImportProblem(0, "values", _("Filen har inga värden.")))
    if problems:
        raise ImportFailed(problems)
    return KoladaFile(values=values, more_pages=bool(document.get("next_page")))


def kolada_import(
    *,
    actor: User | None,
    namnd: Organisation,
    data: bytes,
    kommunkod: str | None = None,
    context: AuditContext | None = None,
) -> KoladaImportResult:
    """Read a Kolada v2 data file into the outcomes of the nämnd's key figures, all or nothing.
    `kommunkod`: Kolada's id of the nämnd's municipality, needed when Insyn does not know it."""
    require_namnd(actor, namnd)
    code = (kommunkod or "").strip() or kommunkod_of(namnd)
    if code is None or not KOMMUNKOD_PATTERN.match(code):
        message = _("Ange kommunkoden, fyra siffror som i Kolada (t.ex. 1489 för Alingsås).")
        raise ValidationFailed(message, fields={"kommunkod": [message]})
    parsed = parse_kolada(data, kommunkod=code)
    figures: dict[tuple[str, str], list[KeyFigure]] = {}
    for figure in KeyFigure.objects.filter(table__council_goal__namnd=namnd).exclude(kolada_kpi="").order_by("pk"):
        figures.setdefault((figure.kolada_kpi.strip().upper(), figure.kolada_gender), []).append(figure)
    unmatched: list[str] = []
    missing: list[MissingValue] = []
    written = 0
    touched: set[int] = set()
    with transaction.atomic():
        for item in parsed.values:
            targets = figures.get((item.kpi, item.gender))
            if not targets:
                label = f"{item.kpi} {item.gender}"
                if label not in unmatched:
                    unmatched.append(label)
                continue
            if item.value is None:
                missing.append(MissingValue(item.kpi, item.gender, item.year, item.status))
                continue
            for figure in targets:
                KeyFigureValue.objects.update_or_create(
                    key_figure=figure,
                    year=item.year,
                    defaults={"value": item.value, "text": "", "origin": KeyFigureOrigin.KOLADA},
                )
                written += 1
                touched.add(figure.pk)
        years = sorted({item.year for item in parsed.values})
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_IMPORT,
            namnd=namnd,
            object_type="yearend_figures",
            object_id=f"{namnd.slug}:kolada",
            context=context,
            kind="kolada",
            kommunkod=code,
            values=len(parsed.values),
            written=written,
            years=years,
            unmatched=unmatched,
            missing=[str(m) for m in missing],
        )
    return KoladaImportResult(
        written=written,
        figures=len(touched),
        years=years,
        unmatched=unmatched,
        missing=missing,
        more_pages=parsed.more_pages,
    )
