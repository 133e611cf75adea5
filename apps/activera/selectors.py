"""Permission-aware reads of referrals and participants, and the participant's progression."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission, Role
from apps.accounts.selectors import grants_of, municipalities_with
from lib.participation import Warning, warnings_for

from .models import (
    Enrolment,
    Indicator,
    Measurement,
    Programme,
    ProgrammeUnit,
    Referral,
    ReferralStatus,
)


def units_for_user(user: User, permission: Permission = Permission.PARTICIPANT_MANAGE) -> QuerySet[ProgrammeUnit]:
    municipality_ids = [m.pk for m in municipalities_with(user, permission)]
    return ProgrammeUnit.objects.filter(unit__parent_id__in=municipality_ids).select_related(
        "programme", "unit__parent"
    )


def _unit_ids(user: User) -> list[int]:
    # Resolved to constants first: with a subquery, PostgreSQL misjudges how many rows a large unit
    # has and joins the whole table before filtering (bench/README.md, load benchmark).
    return list(units_for_user(user).values_list("pk", flat=True))


def referrals_for_user(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(programme_unit_id__in=_unit_ids(user)).select_related(
        "programme_unit__unit__parent", "person", "residence"
    )


def get_referral_for_user(user: User, pk: int) -> Referral:
    try:
        return referrals_for_user(user).get(pk=pk)
    except Referral.DoesNotExist as exc:
        raise Http404(_("Anmälan finns inte.")) from exc


def enrolments_for_user(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme_unit_id__in=_unit_ids(user)).select_related(
        "programme_unit__programme", "programme_unit__unit__parent", "person", "leader", "residence"
    )


def get_enrolment_for_user(user: User, code: str) -> Enrolment:
    try:
        return (
            enrolments_for_user(user)
            .select_related("referral", "meeting")
            .prefetch_related(
                "activities__activity_type",
                "goals__indicator",
                "leader_changes__leader",
                Prefetch("measurements", queryset=Measurement.objects.prefetch_related("answers")),
            )
            .get(code=code.strip().upper())
        )
    except Enrolment.DoesNotExist as exc:
        raise Http404(_("Deltagaren finns inte.")) from exc


def received_referrals(user: User) -> QuerySet[Referral]:
    return referrals_for_user(user).filter(status=ReferralStatus.RECEIVED)


def enrolment_warnings(enrolment: Enrolment, today: datetime.date) -> list[Warning]:
    programme = enrolment.programme_unit.programme
    meeting = getattr(enrolment, "meeting", None)
    last = max((m.date for m in enrolment.measurements.all()), default=None)
    return warnings_for(
        start=enrolment.start_date,
        today=today,
        intro_weeks=programme.intro_max_weeks,
        max_weeks=programme.max_weeks,
        warning_days=programme.warning_days,
        measurement_interval_days=programme.measurement_interval_days,
        meeting_date=meeting.date if meeting else None,
        last_measurement=last,
        exited=enrolment.exit_date is not None,
    )


@dataclass(frozen=True)
class ProgressRow:
    indicator: Indicator
    values: list[int | None]  # one per measurement, in date order

    @property
    def change(self) -> int | None:
        known = [v for v in self.values if v is not None]
        return known[-1] - known[0] if len(known) >= 2 else None


def progression(enrolment: Enrolment) -> tuple[list[Measurement], list[ProgressRow]]:
    measurements = sorted(enrolment.measurements.all(), key=lambda m: (m.date, m.pk))
    indicators = list(enrolment.programme_unit.programme.indicators.all())
    by_measurement: dict[int, dict[int, int]] = {
        m.pk: {a.indicator_id: a.value for a in m.answers.all()} for m in measurements
    }
    rows = [ProgressRow(i, [by_measurement[m.pk].get(i.pk) for m in measurements]) for i in indicators]
    return measurements, rows


def forbund_programmes(user: User) -> list[Programme]:
    """Programmes of the förbunds where the user works in the office."""
    forbund_ids = {g.organisation.pk for g in grants_of(user) if g.role == Role.FORBUND_OFFICER}
    return list(Programme.objects.filter(forbund_id__in=forbund_ids).select_related("forbund").order_by("pk"))


# --- The participant workspace -----------------------------------------------------------------

# A measurement older than this is due again on the workspace (the programme's own interval is longer).
WORKSPACE_MEASUREMENT_DAYS = 28


START_VARIABLES = ("education_level", "income_before", "time_without_work", "born_in")


@dataclass(frozen=True)
class DueItem:
    kind: str
    message: str


@dataclass(frozen=True)
class LatestMeasurement:
    measurement: Measurement
    total: int
    first: Measurement | None  # the first measurement, when the latest is not the first
    change: int | None  # the sum's change over the indicators answered both times


@dataclass(frozen=True)
class ParticipantSummary:
    week: int
    planned_weeks: int
    min_weeks: int
    max_weeks: int
    leader_name: str
    due: list[DueItem]
    latest: LatestMeasurement | None
    has_exit_measurement: bool


def _weeks(start: datetime.date, day: datetime.date) -> int:
    return max((day - start).days, 0) // 7 + 1


def leader_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def has_exit_measurement(enrolment: Enrolment) -> bool:
    return any(m.kind == "exit" for m in enrolment.measurements.all())


def _latest_measurement(enrolment: Enrolment) -> LatestMeasurement | None:
    measurements = sorted(enrolment.measurements.all(), key=lambda m: (m.date, m.pk))
    if not measurements:
        return None
    first, last = measurements[0], measurements[-1]
    last_values = {a.indicator_id: a.value for a in last.answers.all()}
    if first.pk == last.pk:
        return LatestMeasurement(last, sum(last_values.values()), None, None)
    first_values = {a.indicator_id: a.value for a in first.answers.all()}
    both = set(first_values) & set(last_values)
    change = sum(last_values[i] - first_values[i] for i in both) if both else None
    return LatestMeasurement(last, sum(last_values.values()), first, change)


def participant_summary(enrolment: Enrolment, today: datetime.date) -> ParticipantSummary:
    """The participant's state at a glance: where in the weeks, what is due, the latest measurement."""
    programme = enrolment.programme_unit.programme
    until = enrolment.exit_date or today
    latest = _latest_measurement(enrolment)
    exit_measured = has_exit_measurement(enrolment)
    missing = [
        str(field.verbose_name)
        for field in Enrolment._meta.concrete_fields
        if field.name in START_VARIABLES and not getattr(enrolment, field.name)
    ]
    due = [DueItem(w.kind, w.message) for w in enrolment_warnings(enrolment, today)]
    if enrolment.exit_date is None:
        measured_on = latest.measurement.date if latest else None
        stale = measured_on is None or (today - measured_on).days > WORKSPACE_MEASUREMENT_DAYS
        if stale and not any(item.kind == "measurement" for item in due):
            due.append(
                DueItem(
                    "measurement",
                    _("Ingen progressionsmätning de senaste %(weeks)s veckorna.")
                    % {"weeks": WORKSPACE_MEASUREMENT_DAYS // 7},
                )
            )
        near_end = (enrolment.planned_end_date - today).days <= programme.warning_days
        if near_end and not exit_measured:
            due.append(
                DueItem(
                    "exit_measurement",
                    _("Planerat slut %(date)s: slutmätningen är inte gjord.")
                    % {"date": enrolment.planned_end_date.isoformat()},
                )
            )
        if missing:
            due.append(
                DueItem(
                    "start_variables", _("Uppgifter vid start saknas: %(fields)s.") % {"fields": ", ".join(missing)}
                )
            )
    return ParticipantSummary(
        week=_weeks(enrolment.start_date, until),
        planned_weeks=max((enrolment.planned_end_date - enrolment.start_date).days // 7, 1),
        min_weeks=programme.min_weeks,
        max_weeks=programme.max_weeks,
        leader_name=leader_name(enrolment.leader),
        due=due,
        latest=latest,
        has_exit_measurement=exit_measured,
    )


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    kind: str
    title: str
    detail: str = ""


def participant_timeline(enrolment: Enrolment) -> list[TimelineEntry]:
    """What happened to the participant, newest first, read from the records themselves (not the
    audit log): expects the enrolment from get_enrolment_for_user, whose relations are prefetched."""
    entries = [
        TimelineEntry(
            enrolment.referral.received_on,
            "referral",
            _("Intresseanmälan mottagen"),
            str(enrolment.get_referring_party_display()),
        ),
        TimelineEntry(
            enrolment.start_date,
            "start",
            _("Start i programmet"),
            _("Omfattning %(percent)s %%, planerat slut %(end)s")
            % {"percent": enrolment.extent_percent, "end": enrolment.planned_end_date.isoformat()},
        ),
    ]
    for m in enrolment.measurements.all():
        entries.append(
            TimelineEntry(
                m.date,
                "measurement",
                str(m.get_kind_display()),
                _("Summa %(total)s") % {"total": sum(a.value for a in m.answers.all())},
            )
        )
    meeting = getattr(enrolment, "meeting", None)
    if meeting is not None:
        entries.append(
            TimelineEntry(
                meeting.date,
                "meeting",
                _("Flerpartsmöte"),
                f"{meeting.get_decision_display()} ({', '.join(meeting.parties)})",
            )
        )
    for index, change in enumerate(enrolment.leader_changes.all()):
        # The first record is the leader chosen at enrolment; later ones are changes.
        title = _("Ansvarig ledare: %(name)s") if index == 0 else _("Ny ansvarig ledare: %(name)s")
        entries.append(
            TimelineEntry(change.from_date, "leader", title % {"name": leader_name(change.leader)}, change.reason)
        )
    for activity in enrolment.activities.all():
        mode = str(activity.get_mode_display())
        if activity.digital:
            mode += ", " + _("digitalt")
        if not activity.attended:
            mode += ", " + _("deltog inte")
        entries.append(
            TimelineEntry(
                activity.date,
                "activity",
                _("Aktivitet: %(label)s") % {"label": activity.activity_type.label},
                mode,
            )
        )
    if enrolment.exit_date:
        entries.append(
            TimelineEntry(
                enrolment.exit_date,
                "exit",
                _("Avslut"),
                f"{enrolment.get_exit_reason_display()}, {enrolment.get_occupation_after_display()}",
            )
        )
    if enrolment.exit_document_given_on:
        entries.append(
            TimelineEntry(
                enrolment.exit_document_given_on, "document", _("Avslutsdokumentation lämnad till deltagaren")
            )
        )
    if enrolment.exit_document_sent_on:
        entries.append(
            TimelineEntry(
                enrolment.exit_document_sent_on, "document", _("Avslutsdokumentation skickad till remittenten")
            )
        )
    order = {"referral": 0, "start": 1, "exit": 3, "document": 4}
    # Newest first; on the same day the later step of the programme first.
    return sorted(entries, key=lambda e: (e.date, order.get(e.kind, 2)), reverse=True)
