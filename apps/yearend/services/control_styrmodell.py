"""The municipality's styrmodell on the year-end pages: the signal scale the goals are assessed
on (each colour at least 3:1 against white, never alone: label and symbol go with it) and the dates
the årsbokslut and delårsbokslut are due at the kommunstyrelse. Only the förvaltningschef
(YEAREND_APPROVE) changes them; they hold for every report of the municipality."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import AuditContext
from apps.organisations.models import Organisation
from insyn.errors import FieldProblems
from lib.contrast import HEX_COLOUR, NON_TEXT_MINIMUM, contrast_ratio, darkened_to, format_ratio

from ..models import GoalAssessment, GovernanceSettings, SignalStep
from .common import guard_published_text, require_namnd
from .control import audit_change


@dataclass(frozen=True)
class StepInput:
    """One step as the form gives it. `key` prefixes the fields its problems are reported on
    (f"{key}_label", …); `step` is the stored step it changes (None: a new one); `remove` takes
    the stored step away."""

    key: str
    step: SignalStep | None
    label: str
    colour: str
    symbol: str
    position: int | None
    remove: bool = False


def _step_problems(problems: FieldProblems, kept: list[StepInput]) -> None:
    labels: dict[str, str] = {}
    for item in kept:
        label = item.label.strip()
        if not label:
            problems.add(f"{item.key}_label", _("Ange stegets benämning."))
        elif len(label) > 60:
            problems.add(f"{item.key}_label", _("Högst 60 tecken."))
        elif label.casefold() in labels:
            problems.add(
                f"{item.key}_label",
                _("Benämningen ”%(label)s” finns redan i skalan; ge stegen olika namn.") % {"label": label},
            )
        labels.setdefault(label.casefold(), item.key)
        if not item.symbol.strip():
            problems.add(f"{item.key}_symbol", _("Ange en symbol, så att färgen aldrig är ensam om betydelsen."))
        elif len(item.symbol.strip()) > 4:
            problems.add(f"{item.key}_symbol", _("Högst 4 tecken."))
        colour = item.colour.strip()
        if not HEX_COLOUR.match(colour):
            problems.add(f"{item.key}_colour", _("Ange färgen som #rrggbb, till exempel #1e7b34."))
        elif (ratio := contrast_ratio(colour)) < NON_TEXT_MINIMUM:
            problems.add(
                f"{item.key}_colour",
                _(
                    "Färgen %(colour)s har kontrasten %(ratio)s mot vitt; minst 3:1 krävs för att synas. En mörkare "
                    "nyans av samma färg som räcker: %(darker)s."
                )
                % {"colour": colour, "ratio": format_ratio(ratio), "darker": darkened_to(colour)},
            )
        if item.position is not None and item.position < 1:
            problems.add(f"{item.key}_position", _("Ordningen börjar på 1."))


def signal_scale_save(
    *, actor: User | None, namnd: Organisation, steps: list[StepInput], context: AuditContext | None = None
) -> list[SignalStep]:
    """The municipality's signal scale, lowest step first: labels, colours (at least 3:1 against
    white), symbols and order. A step that an assessment uses cannot be removed."""
    require_namnd(actor, namnd, Permission.YEAREND_APPROVE)
    municipality = namnd.parent
    assert municipality is not None
    kept = [s for s in steps if not s.remove]
    problems = FieldProblems()
    if len(kept) < 2:
        problems.add("scale", _("En signalskala behöver minst två steg."))
    _step_problems(problems, kept)
    removed = [s.step for s in steps if s.remove and s.step is not None]
    in_use = set(
        GoalAssessment.objects.filter(Q(proposed__in=removed) | Q(decided__in=removed)).values_list(
            "proposed_id", "decided_id"
        )
    )
    used = {pk for pair in in_use for pk in pair}
    for item in steps:
        if item.remove and item.step is not None and item.step.pk in used:
            problems.add(
                f"{item.key}_remove",
                _(
                    "Steget ”%(label)s” används i bedömningar av mål och kan inte tas bort; byt benämning eller färg "
                    "i stället."
                )
                % {"label": item.step.label},
            )
    for item in steps:
        if item.step is not None and item.step.municipality_id != municipality.pk:
            problems.add(f"{item.key}_label", _("Steget hör inte till kommunens skala."))
    guard_published_text(problems, {f"{item.key}_label": item.label for item in kept})
    problems.raise_if_any(_("Signalskalan kunde inte sparas."))
    order = sorted(
        enumerate(kept), key=lambda pair: (pair[1].position if pair[1].position is not None else 10_000, pair[0])
    )
    with transaction.atomic():
        current = list(SignalStep.objects.select_for_update().filter(municipality=municipality))
        SignalStep.objects.filter(pk__in=[s.pk for s in removed]).delete()
        # Out of the way first: positions and labels are unique within the municipality.
        for index, step in enumerate(s for s in current if s.pk not in {r.pk for r in removed}):
            SignalStep.objects.filter(pk=step.pk).update(position=20_000 + index, label=f"__ombyte-{step.pk}")
        saved = []
        for position, (_order, item) in enumerate(order, start=1):
            step = item.step or SignalStep(municipality=municipality)
            step.position, step.label = position, item.label.strip()
            step.colour, step.symbol = item.colour.strip().lower(), item.symbol.strip()
            step.save()
            saved.append(step)
        audit_change(
            (actor, namnd, context),
            "signal_scale",
            municipality.slug,
            "signal_scale",
            steps=[f"{s.symbol} {s.label} {s.colour}" for s in saved],
        )
    return saved


def _due_problems(problems: FieldProblems, prefix: str, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        problems.add(f"{prefix}_due_month", _("Välj en månad."))
        return
    if day < 1:
        problems.add(f"{prefix}_due_day", _("Ange dagen som ett tal från 1."))
        return
    longest = 28 if month == 2 else calendar.monthrange(2001, month)[1]
    if day > longest:
        numbers = {"day": day, "month": MONTH_NAMES[month], "longest": longest}
        if (month, day) == (2, 29):
            message = _("%(day)s %(month)s finns bara vissa år. Välj en dag från 1 till %(longest)s.") % numbers
        else:
            message = _("%(day)s %(month)s finns inte. Välj en dag från 1 till %(longest)s.") % numbers
        problems.add(f"{prefix}_due_day", message)


def governance_settings_save(
    *,
    actor: User | None,
    namnd: Organisation,
    annual_due_month: int,
    annual_due_day: int,
    interim_due_month: int,
    interim_due_day: int,
    context: AuditContext | None = None,
) -> GovernanceSettings:
    """When the styrmodell wants the nämnd's årsbokslut (the next year) and delårsbokslut (the
    same year) at the kommunstyrelse. A date must exist every year: no 31 February, no 29
    February."""
    require_namnd(actor, namnd, Permission.YEAREND_APPROVE)
    municipality = namnd.parent
    assert municipality is not None
    problems = FieldProblems()
    _due_problems(problems, "annual", annual_due_month, annual_due_day)
    _due_problems(problems, "interim", interim_due_month, interim_due_day)
    problems.raise_if_any(_("Datumen kunde inte sparas."))
    with transaction.atomic():
        settings, _created = GovernanceSettings.objects.select_for_update().get_or_create(municipality=municipality)
        settings.annual_due_month, settings.annual_due_day = annual_due_month, annual_due_day
        settings.interim_due_month, settings.interim_due_day = interim_due_month, interim_due_day
        settings.save()
        audit_change(
            (actor, namnd, context),
            "governance_settings",
            municipality.slug,
            "due_dates",
            annual=f"{annual_due_month}-{annual_due_day}",
            interim=f"{interim_due_month}-{interim_due_day}",
        )
    return settings
