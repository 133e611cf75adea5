"""The writes of Bilaga 1 and 2 and of the styrmodell: the year's internal control plan, its
follow-up at delår and år with the small tables inside a result, carrying remarked points over to
next year's plan, the private providers' follow-up, and the municipality's signal scale and due
dates. Each write is one transaction with its audit row; every problem is reported at once."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.swedish import quoted

from ..models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    ProviderFollowUp,
    ReportStatus,
    YearReport,
)
from ..models.control import ControlAssessment
from .common import audit_yearend, guard_published_text, require_namnd

YEAR_APPROVED = gettext_lazy(
    "%(year)s års plan ingår i ett godkänt årsbokslut eller delårsbokslut och kan inte ändras. "
    "Förvaltningschefen kan öppna rapporten igen."
)

REPORT_APPROVED = gettext_lazy("Rapporten är godkänd och kan inte ändras. Den som godkände den kan öppna den igen.")
NOT_SAVED = gettext_lazy("Uppgifterna kunde inte sparas.")
MAX_TABLE_ROWS = 20
MAX_TABLE_COLUMNS = 12


def _year_open(namnd: Organisation, year: int) -> None:
    """The plan and Bilaga 2 of a year stand in both its reports: refuse when one is approved."""
    if YearReport.objects.filter(namnd=namnd, year=year, status=ReportStatus.APPROVED).exists():
        raise Conflict(YEAR_APPROVED % {"year": year})


def _report_open(report: YearReport) -> YearReport:
    locked = YearReport.objects.select_for_update(of=("self",)).select_related("namnd__parent").get(pk=report.pk)
    if locked.status == ReportStatus.APPROVED:
        raise Conflict(str(REPORT_APPROVED))
    return locked


Who = tuple[User | None, Organisation, AuditContext | None]


def audit_change(who: Who, object_type: str, object_id: object, change: str, **details: Any) -> None:
    actor, namnd, context = who
    audit_yearend(
        actor=actor,
        action=AuditAction.YEAREND_CHANGE,
        namnd=namnd,
        object_type=object_type,
        object_id=object_id,
        context=context,
        change=change,
        **details,
    )


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _required(problems: FieldProblems, field: str, value: str, message: str, max_length: int | None = None) -> None:
    if not value:
        problems.add(field, message)
    elif max_length is not None and len(value) > max_length:
        problems.add(field, _("Högst %(limit)s tecken.") % {"limit": max_length})


def _renumber(model: type[ControlPoint] | type[ProviderFollowUp], rows: list[Any]) -> None:
    """Positions 1…n in the given order; in two steps, so the unique position never collides."""
    for offset, row in enumerate(rows, start=1):
        row.position = 20_000 + offset
    model.objects.bulk_update(rows, ["position"])
    for offset, row in enumerate(rows, start=1):
        row.position = offset
    model.objects.bulk_update(rows, ["position"])


def _place(existing: list[Any], row: Any, position: int | None) -> list[Any]:
    """`existing` (in order, without `row`) with `row` at `position` (1-based; None: last)."""
    others = [r for r in existing if r.pk != row.pk]
    index = len(others) if position is None else max(0, min(position - 1, len(others)))
    return [*others[:index], row, *others[index:]]


# --- The control plan --------------------------------------------------------------------------


def control_point_save(
    *,
    actor: User | None,
    report: YearReport,
    point: ControlPoint | None,
    risk: str,
    checked: str,
    frequency: str,
    method: str,
    position: int | None = None,
    context: AuditContext | None = None,
) -> ControlPoint:
    """Add a point to the plan of the report's year (`point` None) or change one; `position`
    moves it (1 = first; None keeps it, or puts a new point last)."""
    require_namnd(actor, report.namnd)
    risk, checked, frequency, method = _clean(risk), _clean(checked), _clean(frequency), _clean(method)
    problems = FieldProblems()
    if point is not None and (point.namnd_id != report.namnd_id or point.year != report.year):
        raise ValidationFailed(_("Kontrollpunkten hör inte till rapportens nämnd och år."))
    _required(problems, "risk", risk, _("Ange den identifierade risken."))
    _required(problems, "checked", checked, _("Ange vad som kontrolleras."))
    _required(problems, "frequency", frequency, _("Ange hur ofta punkten följs upp."), 120)
    _required(problems, "method", method, _("Ange metoden."))
    guard_published_text(problems, {"risk": risk, "checked": checked, "frequency": frequency, "method": method})
    if position is not None and position < 1:
        problems.add("position", _("Ordningen börjar på 1."))
    problems.raise_if_any(_("Kontrollpunkten kunde inte sparas."))
    with transaction.atomic():
        _report_open(report)
        _year_open(report.namnd, report.year)
        existing = list(ControlPoint.objects.select_for_update().filter(namnd=report.namnd, year=report.year))
        created = point is None
        if point is None:
            point = ControlPoint(namnd=report.namnd, year=report.year, position=30_000)
        else:
            point = next(p for p in existing if p.pk == point.pk)
        point.risk, point.checked, point.frequency, point.method = risk, checked, frequency, method
        point.save()
        if created or position is not None:
            _renumber(ControlPoint, _place(existing, point, position))
        audit_change(
            (actor, report.namnd, context),
            "control_point",
            point.pk,
            "control_point_created" if created else "control_point_changed",
            year=report.year,
        )
    return point


def control_point_delete(
    *, actor: User | None, report: YearReport, point: ControlPoint, context: AuditContext | None = None
) -> None:
    """Remove a point from the plan with its follow-ups and tables; the others close up."""
    require_namnd(actor, report.namnd)
    if point.namnd_id != report.namnd_id or point.year != report.year:
        raise ValidationFailed(_("Kontrollpunkten hör inte till rapportens nämnd och år."))
    with transaction.atomic():
        _report_open(report)
        _year_open(report.namnd, report.year)
        risk, pk = point.risk, point.pk
        ControlPoint.objects.filter(pk=pk).delete()
        rest = list(ControlPoint.objects.select_for_update().filter(namnd=report.namnd, year=report.year))
        _renumber(ControlPoint, rest)
        audit_change((actor, report.namnd, context), "control_point", pk, "control_point_deleted", risk=risk[:200])


def control_follow_up_save(
    *,
    actor: User | None,
    report: YearReport,
    point: ControlPoint,
    assessment: str,
    result: str,
    context: AuditContext | None = None,
) -> ControlFollowUp:
    """The follow-up of a point at the report's period (delår or år): the assessment and the
    result text."""
    require_namnd(actor, report.namnd)
    problems = FieldProblems()
    if point.namnd_id != report.namnd_id or point.year != report.year:
        raise ValidationFailed(_("Kontrollpunkten hör inte till rapportens nämnd och år."))
    if assessment not in ControlAssessment.values:
        problems.add("assessment", _("Välj om kontrollen är genomförd utan eller med anmärkning."))
    guard_published_text(problems, {"result": result})
    problems.raise_if_any(_("Uppföljningen kunde inte sparas."))
    with transaction.atomic():
        locked = _report_open(report)
        follow_up, created = ControlFollowUp.objects.select_for_update().get_or_create(
            point=point, period=locked.period, defaults={"assessment": assessment, "result": _clean(result)}
        )
        if not created:
            follow_up.assessment, follow_up.result = assessment, _clean(result)
            follow_up.save(update_fields=["assessment", "result"])
        audit_change(
            (actor, report.namnd, context),
            "control_follow_up",
            follow_up.pk,
            "control_follow_up",
            point=point.pk,
            period=locked.period,
            assessment=assessment,
        )
    return follow_up


# --- Tables inside a result ----------------------------------------------------------------------


def _count(text: str) -> int | None:
    """A count as typed: digits, spaces between thousands allowed; None if it is not one."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    return int(compact) if compact.isdigit() else None


def parse_result_grid(columns_text: str, grid: str) -> tuple[list[str], list[dict[str, Any]], FieldProblems]:
    """(columns, rows, problems on "columns" and "grid") from what the user typed: the columns
    on one line and one row per line, each "label;count;count;…" (semicolon or tab between)."""
    problems = FieldProblems()
    columns = [c.strip() for c in re.split(r"[;\t]", columns_text.strip())] if columns_text.strip() else []
    if not columns or any(not c for c in columns):
        problems.add("columns", _("Ange kolumnernas rubriker, åtskilda med semikolon (till exempel 2020;2021;2022)."))
    elif len(columns) > MAX_TABLE_COLUMNS:
        problems.add("columns", _("Högst %(count)s kolumner.") % {"count": MAX_TABLE_COLUMNS})
    lines = [line for line in grid.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        problems.add("grid", _("Ange minst en rad: benämning och ett tal per kolumn, åtskilda med semikolon."))
    if len(lines) > MAX_TABLE_ROWS:
        problems.add("grid", _("Högst %(count)s rader.") % {"count": MAX_TABLE_ROWS})
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        label, *cells = (cell.strip() for cell in re.split(r"[;\t]", line))
        if not label:
            problems.add("grid", _("Rad %(row)s: benämningen saknas.") % {"row": number})
        if columns and len(cells) != len(columns):
            problems.add(
                "grid",
                _("Rad %(row)s: %(values)s värden, men tabellen har %(columns)s kolumner.")
                % {"row": number, "values": len(cells), "columns": len(columns)},
            )
        values: list[int] = []
        for index, cell in enumerate(cells):
            column = columns[index] if index < len(columns) else str(index + 1)
            value = _count(cell)
            if value is None:
                shown = quoted(cell) if cell else _("tom cell")
                problems.add(
                    "grid",
                    _("Rad %(row)s, kolumn %(column)s: %(cell)s är inget heltal (antal, utan decimaler).")
                    % {"row": number, "column": column, "cell": shown},
                )
            else:
                values.append(value)
        rows.append({"label": label, "values": values})
    return columns, rows, problems


def result_grid_text(table: ControlResultTable) -> tuple[str, str]:
    """(columns, grid) of a stored table, as the form shows them to be changed."""
    grid = "\n".join(";".join([str(row["label"]), *(str(v) for v in row["values"])]) for row in table.rows)
    return ";".join(str(c) for c in table.columns), grid


def control_result_table_save(
    *,
    actor: User | None,
    report: YearReport,
    point: ControlPoint,
    table: ControlResultTable | None,
    title: str,
    columns: str,
    grid: str,
    share_label: str = "",
    share_numerator_row: int | None = None,
    share_denominator_row: int | None = None,
    context: AuditContext | None = None,
) -> ControlResultTable:
    """A small table inside the result of a point's follow-up at the report's period: its
    title, columns and rows of counts (typed as a grid, see parse_result_grid), and optionally a
    share row computed from two of the rows (numerator / denominator, counted from 1)."""
    require_namnd(actor, report.namnd)
    if point.namnd_id != report.namnd_id or point.year != report.year:
        raise ValidationFailed(_("Kontrollpunkten hör inte till rapportens nämnd och år."))
    follow_up = ControlFollowUp.objects.filter(point=point, period=report.period).first()
    if follow_up is None:
        raise ValidationFailed(
            _("Spara uppföljningen av punkten först; tabellen hör till resultatet."),
            fields={"title": [_("Spara uppföljningen av punkten först; tabellen hör till resultatet.")]},
        )
    if table is not None and table.follow_up_id != follow_up.pk:
        raise ValidationFailed(_("Tabellen hör inte till punktens uppföljning."))
    title, share_label = title.strip(), share_label.strip()
    problems = FieldProblems()
    _required(problems, "title", title, _("Ange tabellens rubrik."), 200)
    parsed_columns, rows, grid_problems = parse_result_grid(columns, grid)
    for field, messages in grid_problems.items():
        for message in messages:
            problems.add(field, message)
    share_rows = {"share_numerator_row": share_numerator_row, "share_denominator_row": share_denominator_row}
    if share_label or any(v is not None for v in share_rows.values()):
        if not share_label:
            problems.add("share_label", _("Ange andelsradens benämning (till exempel Andel)."))
        elif len(share_label) > 60:
            problems.add("share_label", _("Högst 60 tecken."))
        for field, row in share_rows.items():
            if row is None:
                problems.add(field, _("Ange radens nummer (den första raden är 1)."))
            elif not 1 <= row <= len(rows):
                problems.add(
                    field, _("Rad %(row)s finns inte; tabellen har %(count)s rader.") % {"row": row, "count": len(rows)}
                )
        if share_numerator_row is not None and share_numerator_row == share_denominator_row:
            problems.add("share_denominator_row", _("Täljare och nämnare måste vara olika rader."))
    guard_published_text(
        problems,
        {
            "title": title,
            "columns": " ".join(parsed_columns),
            "grid": "\n".join(str(row["label"]) for row in rows),
            "share_label": share_label,
        },
    )
    problems.raise_if_any(_("Tabellen kunde inte sparas."))
    with transaction.atomic():
        _report_open(report)
        created = table is None
        if table is None:
            last = ControlResultTable.objects.filter(follow_up=follow_up).aggregate(m=Max("position"))["m"] or 0
            table = ControlResultTable(follow_up=follow_up, position=last + 1)
        table.title, table.columns, table.rows = title, parsed_columns, rows
        table.share_label = share_label
        table.share_numerator = share_numerator_row - 1 if share_label and share_numerator_row else None
        table.share_denominator = share_denominator_row - 1 if share_label and share_denominator_row else None
        table.save()
        audit_change(
            (actor, report.namnd, context),
            "control_result_table",
            table.pk,
            "control_table_created" if created else "control_table_changed",
            point=point.pk,
            title=title,
        )
    return table


def control_result_table_delete(
    *, actor: User | None, report: YearReport, table: ControlResultTable, context: AuditContext | None = None
) -> None:
    require_namnd(actor, report.namnd)
    point = table.follow_up.point
    if point.namnd_id != report.namnd_id or point.year != report.year or table.follow_up.period != report.period:
        raise ValidationFailed(_("Tabellen hör inte till rapporten."))
    with transaction.atomic():
        _report_open(report)
        pk, title = table.pk, table.title
        table.delete()
        audit_change(
            (actor, report.namnd, context),
            "control_result_table",
            pk,
            "control_table_deleted",
            point=point.pk,
            title=title,
        )


def control_plan_carry_over(
    *, actor: User | None, namnd: Organisation, from_year: int, context: AuditContext | None = None
) -> list[ControlPoint]:
    """Every point of `from_year` whose annual follow-up found a remark goes into the next
    year's plan (last, with `carried_from` set). A point already carried over is not copied
    again. Returns the points added."""
    require_namnd(actor, namnd)
    to_year = from_year + 1
    with transaction.atomic():
        _year_open(namnd, to_year)
        remarked = list(
            ControlPoint.objects.filter(
                namnd=namnd,
                year=from_year,
                follow_ups__period="annual",
                follow_ups__assessment=ControlAssessment.WITH_REMARK,
            ).order_by("position")
        )
        next_plan = list(ControlPoint.objects.select_for_update().filter(namnd=namnd, year=to_year))
        done = {p.carried_from_id for p in next_plan}
        last = max((p.position for p in next_plan), default=0)
        added = []
        for point in (p for p in remarked if p.pk not in done):
            last += 1
            added.append(
                ControlPoint.objects.create(
                    namnd=namnd,
                    year=to_year,
                    position=last,
                    risk=point.risk,
                    checked=point.checked,
                    frequency=point.frequency,
                    method=point.method,
                    carried_from=point,
                )
            )
        if added:
            audit_change(
                (actor, namnd, context),
                "control_plan",
                f"{namnd.slug}-{to_year}",
                "control_carried_over",
                from_year=from_year,
                points=[p.pk for p in added],
            )
    return added


# --- Private providers (Bilaga 2) -----------------------------------------------------------------


def provider_follow_up_save(
    *,
    actor: User | None,
    report: YearReport,
    provider: ProviderFollowUp | None,
    agreement: str,
    followed_up: str,
    met_requirements: bool | None,
    shortcomings: str = "",
    effect: str = "",
    measures: str = "",
    position: int | None = None,
    context: AuditContext | None = None,
) -> ProviderFollowUp:
    """A row of Bilaga 2 for the report's year: the agreement, what was followed up, whether
    the provider met the essential goals and requirements (Ja/Nej), and if not, the shortcomings,
    their effect and the measures taken."""
    require_namnd(actor, report.namnd)
    if provider is not None and (provider.namnd_id != report.namnd_id or provider.year != report.year):
        raise ValidationFailed(_("Uppföljningen hör inte till rapportens nämnd och år."))
    agreement, followed_up = agreement.strip(), _clean(followed_up)
    shortcomings, effect, measures = _clean(shortcomings), _clean(effect), _clean(measures)
    problems = FieldProblems()
    _required(problems, "agreement", agreement, _("Ange det berörda avtalet."), 300)
    _required(problems, "followed_up", followed_up, _("Ange vad som har följts upp."))
    if met_requirements is None:
        problems.add("met_requirements", _("Svara Ja eller Nej."))
    elif not met_requirements and not shortcomings:
        problems.add(
            "shortcomings", _("Har leverantören inte uppfyllt kraven (Nej), beskriv vilka brister som iakttagits.")
        )
    guard_published_text(
        problems,
        {
            "agreement": agreement,
            "followed_up": followed_up,
            "shortcomings": shortcomings,
            "effect": effect,
            "measures": measures,
        },
    )
    if position is not None and position < 1:
        problems.add("position", _("Ordningen börjar på 1."))
    problems.raise_if_any(_("Uppföljningen av den privata utföraren kunde inte sparas."))
    with transaction.atomic():
        _report_open(report)
        _year_open(report.namnd, report.year)
        existing = list(ProviderFollowUp.objects.select_for_update().filter(namnd=report.namnd, year=report.year))
        created = provider is None
        if provider is None:
            provider = ProviderFollowUp(namnd=report.namnd, year=report.year, position=30_000)
        else:
            provider = next(p for p in existing if p.pk == provider.pk)
        provider.agreement, provider.followed_up = agreement, followed_up
        provider.met_requirements = bool(met_requirements)
        provider.shortcomings, provider.effect, provider.measures = shortcomings, effect, measures
        provider.save()
        if created or position is not None:
            _renumber(ProviderFollowUp, _place(existing, provider, position))
        audit_change(
            (actor, report.namnd, context),
            "provider_follow_up",
            provider.pk,
            "provider_created" if created else "provider_changed",
            met=provider.met_requirements,
        )
    return provider


def provider_follow_up_delete(
    *, actor: User | None, report: YearReport, provider: ProviderFollowUp, context: AuditContext | None = None
) -> None:
    require_namnd(actor, report.namnd)
    if provider.namnd_id != report.namnd_id or provider.year != report.year:
        raise ValidationFailed(_("Uppföljningen hör inte till rapportens nämnd och år."))
    with transaction.atomic():
        _report_open(report)
        _year_open(report.namnd, report.year)
        pk, agreement = provider.pk, provider.agreement
        ProviderFollowUp.objects.filter(pk=pk).delete()
        _renumber(
            ProviderFollowUp,
            list(ProviderFollowUp.objects.select_for_update().filter(namnd=report.namnd, year=report.year)),
        )
        audit_change((actor, report.namnd, context), "provider_follow_up", pk, "provider_deleted", agreement=agreement)
