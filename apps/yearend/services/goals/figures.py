"""The key figures with their targets and origins, and the outcomes entered by hand."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.audit.context import AuditContext
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.report_numbers import parse_number

from ...computed import COMPUTED_MEASURES, computed_values_refresh
from ...models import (
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
    TargetDirection,
    YearReport,
)
from ...tables.goals import value_text
from ..common import guard_published_text, require_namnd
from ._shared import (
    KOLADA_GENDERS,
    KOLADA_KPI,
    NOT_SAVED,
    VALUE_LIMIT,
    _approved_decisions,
    _audit,
    _locked_draft,
    _next_position,
    _propose,
    _reorder,
    _report_name,
    _require_council_goal,
    _text,
)

# --- Key figures ---------------------------------------------------------------------------------------


def _number(problems: FieldProblems, field: str, entry: str, *, decimals: int) -> Decimal | None:
    try:
        number = parse_number(entry)
    except ValueError as error:
        problems.add(field, str(error))
        return None
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        problems.add(
            field, ngettext("Högst %(count)s decimal.", "Högst %(count)s decimaler.", decimals) % {"count": decimals}
        )
    elif abs(number) >= VALUE_LIMIT:
        problems.add(field, _("Talet är för stort."))
    return number


def key_figure_save(
    *,
    actor: User | None,
    report: YearReport,
    table: KeyFigureTable,
    key_figure: KeyFigure | None = None,
    name: str,
    source: str,
    goal: NamndGoal | None,
    target_direction: str,
    target: str,
    show_direction: bool,
    decimals: int | None,
    kolada_kpi: str,
    kolada_gender: str,
    computed_measure: str,
    position: int | None = None,
    context: AuditContext | None = None,
) -> KeyFigure:
    """Add a key figure to a table (`key_figure` None: last, or at `position`) or change it: its
    name and source, the goal it measures, the target in Swedish notation ("86", "17,4"; empty: no
    target) with its direction, and where its outcomes come from besides manual entry (a Kolada
    KPI and gender, or one of Insyn's computed measures). A computed figure gets its outcomes at
    once; a changed Kolada KPI drops the outcomes read for the old one."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, table.council_goal)
    if key_figure is not None and key_figure.table_id != table.pk:
        raise ValidationFailed(_("Nyckeltalet hör inte till den tabellen."))
    problems = FieldProblems()
    computed_measure = computed_measure.strip()
    measure = COMPUTED_MEASURES.get(computed_measure)
    if computed_measure and measure is None:
        problems.add("computed_measure", _("Välj ett av måtten Insyn kan beräkna, eller inget."))
    name = _text(
        problems, "name", name or (measure.label if measure else ""), limit=300, required=_("Ange nyckeltalets namn.")
    )
    source = _text(
        problems, "source", source or (measure.source if measure else ""), limit=200, required=_("Ange källan.")
    )
    if goal is not None and goal.council_goal_id != table.council_goal_id:
        problems.add("goal", _("Välj ett av nämndens mål under samma fullmäktigemål."))
    if target_direction not in TargetDirection.values:
        problems.add("target_direction", _("Välj riktning för målet."))
    target_value = _number(problems, "target", target, decimals=2) if target.strip() else None
    if decimals is None or not 0 <= decimals <= 4:
        problems.add("decimals", _("Ange högst antal decimaler som ett heltal från 0 till 4."))
    kolada_kpi = kolada_kpi.strip().upper()
    if kolada_kpi and not KOLADA_KPI.match(kolada_kpi):
        problems.add("kolada_kpi", _("Ange Kolada-nyckeltalets id: en bokstav och fem siffror, t.ex. N31807."))
    if kolada_gender not in KOLADA_GENDERS:
        problems.add("kolada_gender", _("Välj totalt, kvinnor eller män."))
    if kolada_kpi and computed_measure:
        problems.add(
            "computed_measure", _("Ett nyckeltal hämtas antingen från Kolada eller beräknas i Insyn, inte båda.")
        )
    guard_published_text(problems, {"name": name, "source": source})
    if position is not None and position < 1:
        problems.add("position", _("Ange ordningen som ett heltal från 1."))
    problems.raise_if_any(str(NOT_SAVED))
    with transaction.atomic():
        locked = _locked_draft(report)
        siblings = KeyFigure.objects.filter(table=table)
        created = key_figure is None
        figure = key_figure or KeyFigure(table=table, position=_next_position(siblings))
        kolada_changed = not created and (figure.kolada_kpi, figure.kolada_gender) != (kolada_kpi, kolada_gender)
        measure_changed = figure.computed_measure != computed_measure
        figure.name, figure.source, figure.goal = name, source, goal
        figure.target_direction, figure.target_value = target_direction, target_value
        figure.show_direction, figure.decimals = show_direction, decimals or 0
        figure.kolada_kpi, figure.kolada_gender, figure.computed_measure = kolada_kpi, kolada_gender, computed_measure
        figure.save()
        _reorder(siblings, figure, position)
        figure.refresh_from_db(fields=["position"])
        if kolada_changed:
            figure.values.filter(origin=KeyFigureOrigin.KOLADA).delete()
        if measure_changed and not created:
            figure.values.filter(origin=KeyFigureOrigin.COMPUTED).delete()
        _audit(actor, locked, context, change="key_figure", key_figure=figure.pk, created=created, name=name)
        if measure_changed and computed_measure:
            computed_values_refresh(namnd=locked.namnd, year=locked.year, actor=actor, context=context)
    _propose(report.namnd, report.year)
    return figure


def key_figure_delete(
    *, actor: User | None, report: YearReport, key_figure: KeyFigure, context: AuditContext | None = None
) -> None:
    """Remove a key figure with its outcomes; refused while the assessment of the goal it measures
    stands in an approved report."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, key_figure.table.council_goal)
    with transaction.atomic():
        locked = _locked_draft(report)
        approved = _approved_decisions([key_figure.goal_id]) if key_figure.goal_id else []
        if approved:
            raise Conflict(
                _(
                    "Nyckeltalet ligger till grund för bedömningen av målet ”%(goal)s” i det godkända %(report)s "
                    "och kan inte tas bort."
                )
                % {"goal": approved[0].goal.title, "report": _report_name(approved[0].report)}
            )
        table, name = key_figure.table, key_figure.name
        key_figure.delete()
        siblings = KeyFigure.objects.filter(table=table)
        if (first := siblings.order_by("position").first()) is not None:
            _reorder(siblings, first, 1)
        _audit(actor, locked, context, change="key_figure_deleted", table=table.pk, name=name)
    _propose(report.namnd, report.year)


# --- Outcomes entered by hand -----------------------------------------------------------------------------


def outcome_text(value: KeyFigureValue | None) -> str:
    """An outcome as the form shows it for editing ("17,4", "Ej jämförbart*", empty)."""
    if value is None:
        return ""
    return value.text if value.value is None else value_text(value.value, 4)


def _outcome(problems: FieldProblems, field: str, entry: str) -> tuple[Decimal | None, str]:
    """A number in Swedish notation, or a text that begins with a letter ("Ej jämförbart*")."""
    try:
        parse_number(entry)
    except ValueError:
        if entry[:1].isalpha():
            if len(entry) > 60:
                problems.add(field, _("Högst %(limit)s tecken (nu %(count)s).") % {"limit": 60, "count": len(entry)})
            return None, entry
        problems.add(
            field,
            _("”%(entry)s” är inget tal. Skriv ett tal som 17,4, eller en text som börjar med en bokstav.")
            % {"entry": entry},
        )
        return None, ""
    return _number(problems, field, entry, decimals=4), ""


def _current(key_figure: KeyFigure, year: int) -> tuple[Decimal | None, str]:
    value = KeyFigureValue.objects.filter(key_figure=key_figure, year=year).first()
    return (None, "") if value is None else (value.value, value.text)


def key_figure_outcomes_save(
    *,
    actor: User | None,
    report: YearReport,
    key_figure: KeyFigure,
    entries: dict[int, str],
    context: AuditContext | None = None,
) -> list[int]:
    """Enter outcomes by hand for some of the years the report shows (its year and the two
    before): a number in Swedish notation, a text such as "Ej jämförbart*", or empty to remove the
    year's outcome. An entry that reads as the outcome already there is left as it is, whatever its
    origin; any other replaces it as entered by hand. Returns the years changed."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, key_figure.table.council_goal)
    years = (report.year, report.year - 1, report.year - 2)
    problems = FieldProblems()
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for year, raw in entries.items():
        field = f"year_{year}"
        if year not in years:
            problems.add(
                field,
                _("Utfall kan anges för %(first)s, %(second)s och %(third)s.")
                % {"first": years[0], "second": years[1], "third": years[2]},
            )
            continue
        entry = raw.strip()
        parsed[year] = _outcome(problems, field, entry) if entry else (None, "")
        if parsed[year][1]:
            guard_published_text(problems, {field: parsed[year][1]})
    if key_figure.computed_measure and any(
        (value, text) != _current(key_figure, year) for year, (value, text) in parsed.items()
    ):
        # A computed outcome is never typed: for ACTivera it is what the förbund's release shows,
        # and a typed number could print a count the release hides.
        problems.add(
            "__all__",
            _("Nyckeltalet beräknas i Insyn och kan inte anges för hand; räkna om det på sidan Läs in underlag."),
        )
    problems.raise_if_any(_("Utfallen kunde inte sparas."))
    changed: list[int] = []
    with transaction.atomic():
        locked = _locked_draft(report)
        existing = {v.year: v for v in KeyFigureValue.objects.select_for_update().filter(key_figure=key_figure)}
        for year, (value, text) in parsed.items():
            current = existing.get(year)
            if entries[year].strip() == outcome_text(current):
                continue
            if value is None and not text:
                if current is not None:
                    current.delete()
                    changed.append(year)
                continue
            KeyFigureValue.objects.update_or_create(
                key_figure=key_figure,
                year=year,
                defaults={"value": value, "text": text, "origin": KeyFigureOrigin.MANUAL},
            )
            changed.append(year)
        if changed:
            _audit(
                actor,
                locked,
                context,
                change="key_figure_values",
                key_figure=key_figure.pk,
                years=changed,
                entries={str(y): entries[y].strip() for y in changed},
                replaced={str(y): existing[y].origin for y in changed if y in existing},
            )
    if changed:
        _propose(report.namnd, report.year)
    return changed


def key_figure_value_save(
    *,
    actor: User | None,
    report: YearReport,
    key_figure: KeyFigure,
    year: int,
    entry: str,
    context: AuditContext | None = None,
) -> KeyFigureValue | None:
    """One year's outcome entered by hand (see key_figure_outcomes_save); None when removed."""
    try:
        key_figure_outcomes_save(
            actor=actor, report=report, key_figure=key_figure, entries={year: entry}, context=context
        )
    except ValidationFailed as error:
        raise ValidationFailed(error.message, fields={"value": error.fields.get(f"year_{year}", [])}) from error
    return KeyFigureValue.objects.filter(key_figure=key_figure, year=year).first()
