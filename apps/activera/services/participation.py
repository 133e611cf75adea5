"""During participation: activities, measurements, the action plan, the multi-party meeting, leader changes, exit."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.core.concurrency import update_if_unchanged
from insyn.errors import FieldProblems, ValidationFailed
from lib.participation import Problem, date_limit_problems, introduction_problems, weeks_after

from ..models import (
    ActionPlanGoal,
    Activity,
    ActivityType,
    Enrolment,
    ExitReason,
    Indicator,
    LeaderChange,
    Measurement,
    MeasurementAnswer,
    MeasurementKind,
    MeetingDecision,
    MultiPartyMeeting,
    OccupationAfter,
)
from .common import (
    _audit_participant,
    _errors,
    _today,
    require_unit_access,
)

# --- During participation --------------------------------------------------------------------


def _meeting(enrolment: Enrolment) -> MultiPartyMeeting | None:
    try:
        return enrolment.meeting
    except MultiPartyMeeting.DoesNotExist:
        return None


def _dated_entry_problems(
    enrolment: Enrolment, day: datetime.date | None, *, field: str, label: str, today: datetime.date
) -> FieldProblems:
    if day is None:
        return FieldProblems({field: [_("Ange datum.")]})
    programme = enrolment.programme_unit.programme
    problems = date_limit_problems(
        field=field, day=day, start=enrolment.start_date, max_weeks=programme.max_weeks, today=today, label=label
    )
    meeting = _meeting(enrolment)
    problems += introduction_problems(
        day=day,
        start=enrolment.start_date,
        intro_weeks=programme.intro_max_weeks,
        meeting_date=meeting.date if meeting else None,
        meeting_continues=(meeting.decision == MeetingDecision.CONTINUE) if meeting else None,
        field=field,
    )
    if enrolment.exit_date is not None and day > enrolment.exit_date:
        problems.append(
            Problem(
                field,
                _("%(label)s kan inte ligga efter avslutet %(exit)s.") % {"label": label, "exit": enrolment.exit_date},
            )
        )
    return _errors(problems)


def activity_add(
    *,
    actor: User,
    enrolment: Enrolment,
    date: datetime.date | None,
    activity_type: ActivityType,
    mode: str,
    digital: bool,
    attended: bool,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Activity:
    require_unit_access(actor, enrolment.programme_unit)
    errors = _dated_entry_problems(enrolment, date, field="date", label=_("Aktiviteten"), today=today or _today())
    if activity_type.programme_id != enrolment.programme_unit.programme_id:
        errors.add("activity_type", _("Aktiviteten hör inte till programmet."))
    errors.raise_if_any(_("Aktiviteten kunde inte sparas."))
    assert date is not None
    with transaction.atomic():
        activity = Activity.objects.create(
            enrolment=enrolment, date=date, activity_type=activity_type, mode=mode, digital=digital, attended=attended
        )
        _audit_participant(actor, enrolment, "activity", activity.pk, context=context)
    return activity


def measurement_add(
    *,
    actor: User,
    enrolment: Enrolment,
    date: datetime.date | None,
    kind: str,
    answers: Mapping[str, int | None],
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Measurement:
    """One answer per indicator on the programme's scale; the first measurement is made during the
    introduction."""
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors = _dated_entry_problems(enrolment, date, field="date", label=_("Mätningen"), today=today or _today())
    if kind not in MeasurementKind.values:
        errors.add("kind", _("Välj slag av mätning."))
    existing_first = enrolment.measurements.filter(kind=MeasurementKind.FIRST).exists()
    if kind == MeasurementKind.FIRST and existing_first:
        errors.add("kind", _("Den första mätningen är redan gjord."))
    if kind != MeasurementKind.FIRST and not existing_first:
        errors.add("kind", _("Gör den första mätningen först."))
    if (
        kind == MeasurementKind.FIRST
        and date is not None
        and date > weeks_after(enrolment.start_date, programme.intro_max_weeks)
    ):
        errors.add("date", _("Den första mätningen görs under introduktionen."))
    indicators = list(programme.indicators.all())
    for indicator in indicators:
        value = answers.get(indicator.code)
        if value is None:
            errors.add(f"indicator_{indicator.code}", _("Ange ett värde."))
        elif not programme.scale_min <= value <= programme.scale_max:
            errors.add(
                f"indicator_{indicator.code}",
                _("Värdet ska vara %(min)s–%(max)s.") % {"min": programme.scale_min, "max": programme.scale_max},
            )
    errors.raise_if_any(_("Mätningen kunde inte sparas."))
    assert date is not None
    with transaction.atomic():
        measurement = Measurement.objects.create(enrolment=enrolment, date=date, kind=kind)
        MeasurementAnswer.objects.bulk_create(
            [MeasurementAnswer(measurement=measurement, indicator=i, value=answers[i.code]) for i in indicators]  # type: ignore[misc]
        )
        _audit_participant(actor, enrolment, "measurement", measurement.pk, context=context, kind=kind)
    return measurement


def goal_add(
    *,
    actor: User,
    enrolment: Enrolment,
    indicator: Indicator,
    goal: str,
    activities: str,
    review_date: datetime.date | None,
    context: AuditContext | None = None,
) -> ActionPlanGoal:
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors = FieldProblems()
    if not enrolment.measurements.filter(kind=MeasurementKind.FIRST).exists():
        errors.add("goal", _("Handlingsplanen bygger på den första mätningen: gör den först."))
    if not goal.strip():
        errors.add("goal", _("Beskriv målet."))
    if review_date is None:
        errors.add("review_date", _("Ange när målet följs upp."))
    elif review_date > weeks_after(enrolment.start_date, programme.max_weeks):
        errors.add(
            "review_date",
            _("Uppföljningen kan inte ligga efter %(limit)s.")
            % {"limit": weeks_after(enrolment.start_date, programme.max_weeks)},
        )
    errors.raise_if_any(_("Målet kunde inte sparas."))
    assert review_date is not None
    with transaction.atomic():
        item = ActionPlanGoal.objects.create(
            enrolment=enrolment,
            indicator=indicator,
            goal=goal.strip(),
            activities=activities.strip(),
            review_date=review_date,
        )
        _audit_participant(actor, enrolment, "action_plan", item.pk, context=context)
    return item


def meeting_record(
    *,
    actor: User,
    enrolment: Enrolment,
    date: datetime.date | None,
    parties: list[str],
    decision: str,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> MultiPartyMeeting:
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors = FieldProblems()
    if _meeting(enrolment) is not None:
        errors.add("date", _("Flerpartsmötet är redan registrerat."))
    if date is None:
        errors.add("date", _("Ange datum."))
    else:
        errors.update(
            _errors(
                date_limit_problems(
                    field="date",
                    day=date,
                    start=enrolment.start_date,
                    max_weeks=programme.max_weeks,
                    today=today or _today(),
                    label=_("Mötet"),
                )
            )
        )
    if decision not in MeetingDecision.values:
        errors.add("decision", _("Ange mötets beslut."))
    if not parties:
        errors.add("parties", _("Ange vilka parter som var med."))
    errors.raise_if_any(_("Mötet kunde inte sparas."))
    assert date is not None
    with transaction.atomic():
        meeting = MultiPartyMeeting.objects.create(enrolment=enrolment, date=date, parties=parties, decision=decision)
        _audit_participant(actor, enrolment, "meeting", meeting.pk, context=context, decision=decision)
    return meeting


def leader_change(
    *,
    actor: User,
    enrolment: Enrolment,
    leader: User,
    from_date: datetime.date | None,
    reason: str,
    context: AuditContext | None = None,
) -> LeaderChange:
    require_unit_access(actor, enrolment.programme_unit)
    errors = FieldProblems()
    if not reason.strip():
        errors["reason"] = [_("Ange skälet till bytet: samma ledare ska följa deltagaren hela vägen.")]
    if from_date is None or from_date < enrolment.start_date:
        errors["from_date"] = [_("Ange ett datum från och med starten.")]
    if leader.pk == enrolment.leader_id:
        errors["leader"] = [_("Det är redan deltagarens ansvariga ledare.")]
    errors.raise_if_any(_("Bytet kunde inte sparas."))
    assert from_date is not None
    with transaction.atomic():
        change = LeaderChange.objects.create(
            enrolment=enrolment, leader=leader, from_date=from_date, reason=reason.strip()
        )
        enrolment.leader = leader
        enrolment.save(update_fields=["leader"])
        _audit_participant(actor, enrolment, "leader_change", change.pk, context=context)
    return change


def enrolment_exit(
    *,
    actor: User | None,
    enrolment: Enrolment,
    exit_date: datetime.date | None,
    exit_reason: str,
    occupation_after: str,
    income_after: str,
    expected_version: int | None = None,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Enrolment:
    require_unit_access(actor, enrolment.programme_unit)
    programme = enrolment.programme_unit.programme
    errors = FieldProblems()
    if enrolment.exit_date is not None:
        errors["exit_date"] = [_("Deltagaren är redan utskriven.")]
    elif exit_date is None:
        errors["exit_date"] = [_("Ange slutdatum.")]
    else:
        errors.update(
            _errors(
                date_limit_problems(
                    field="exit_date",
                    day=exit_date,
                    start=enrolment.start_date,
                    max_weeks=programme.max_weeks,
                    today=today or _today(),
                    label=_("Slutdatumet"),
                )
            )
        )
        last = enrolment.activities.order_by("-date").values_list("date", flat=True).first()
        if last and exit_date < last:
            errors.add("exit_date", _("Det finns en aktivitet %(date)s efter slutdatumet.") % {"date": last})
    if exit_reason not in ExitReason.values:
        errors["exit_reason"] = [_("Välj avslutsorsak.")]
    if occupation_after not in OccupationAfter.values:
        errors["occupation_after"] = [_("Välj sysselsättning efter avslut.")]
    errors.raise_if_any(_("Utskrivningen kunde inte sparas."))
    with transaction.atomic():
        enrolment.exit_date = exit_date
        enrolment.exit_reason = exit_reason
        enrolment.occupation_after = occupation_after
        enrolment.income_after = income_after
        # Without a version (a script) the exit still never overwrites one recorded meanwhile.
        if expected_version is None and Enrolment.objects.filter(pk=enrolment.pk, exit_date__isnull=False).exists():
            raise ValidationFailed(
                _("Utskrivningen kunde inte sparas."), fields={"exit_date": [_("Deltagaren är redan utskriven.")]}
            )
        update_if_unchanged(
            enrolment,
            fields=["exit_date", "exit_reason", "occupation_after", "income_after"],
            expected_version=expected_version,
            what=_("Deltagaren %(code)s") % {"code": enrolment.code},
            audit_object=("enrolment", enrolment.code),
        )
        _audit_participant(
            actor, enrolment, "enrolment", enrolment.code, context=context, action=AuditAction.PARTICIPANT_EXIT
        )
    return enrolment


def exit_document_record(
    *,
    actor: User,
    enrolment: Enrolment,
    given_on: datetime.date | None,
    sent_on: datetime.date | None,
    context: AuditContext | None = None,
) -> Enrolment:
    require_unit_access(actor, enrolment.programme_unit)
    if enrolment.exit_date is None:
        raise ValidationFailed(_("Inte utskriven."), fields={"given_on": [_("Skriv ut deltagaren först.")]})
    for value, name in ((given_on, "given_on"), (sent_on, "sent_on")):
        if value is not None and value < enrolment.exit_date:
            raise ValidationFailed(_("Fel datum."), fields={name: [_("Datumet kan inte ligga före avslutet.")]})
    with transaction.atomic():
        enrolment.exit_document_given_on = given_on
        enrolment.exit_document_sent_on = sent_on
        enrolment.save(update_fields=["exit_document_given_on", "exit_document_sent_on"])
        _audit_participant(actor, enrolment, "exit_document", enrolment.code, context=context)
    return enrolment


def enrolment_update_start_variables(
    *,
    actor: User,
    enrolment: Enrolment,
    education_level: str,
    income_before: str,
    time_without_work: str,
    born_in: str,
    expected_version: int | None = None,
    context: AuditContext | None = None,
) -> Enrolment:
    require_unit_access(actor, enrolment.programme_unit)
    with transaction.atomic():
        enrolment.education_level = education_level
        enrolment.income_before = income_before
        enrolment.time_without_work = time_without_work
        enrolment.born_in = born_in
        update_if_unchanged(
            enrolment,
            fields=["education_level", "income_before", "time_without_work", "born_in"],
            expected_version=expected_version,
            what=_("Deltagaren %(code)s") % {"code": enrolment.code},
            audit_object=("enrolment", enrolment.code),
        )
        _audit_participant(actor, enrolment, "enrolment", enrolment.code, context=context, variables="start")
    return enrolment
