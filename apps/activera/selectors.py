"""Permission-aware reads of referrals and participants, and the participant's progression."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

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
        raise Http404("Anmälan finns inte.") from exc


def enrolments_for_user(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme_unit_id__in=_unit_ids(user)).select_related(
        "programme_unit__programme", "programme_unit__unit__parent", "person", "leader", "residence"
    )


def get_enrolment_for_user(user: User, code: str) -> Enrolment:
    try:
        return (
            enrolments_for_user(user)
            .prefetch_related(
                "activities__activity_type",
                "goals__indicator",
                "leader_changes__leader",
                Prefetch("measurements", queryset=Measurement.objects.prefetch_related("answers")),
            )
            .get(code=code.strip().upper())
        )
    except Enrolment.DoesNotExist as exc:
        raise Http404("Deltagaren finns inte.") from exc


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
