"""How the audit log names this app's objects (registered in ActiveraConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.audit.naming import participant_words, period_words, register_labeller

from .models import (
    ActionPlanGoal,
    Activity,
    Delivery,
    ForbundRelease,
    LeaderChange,
    Measurement,
    MeasurementKind,
    MultiPartyMeeting,
)


def deliveries(pks: list[int]) -> dict[int, str]:
    rows = Delivery.objects.filter(pk__in=pks).values_list(
        "pk", "kind", "year", "period", "programme_unit__unit__parent__name"
    )
    return {pk: f"{period_words(kind, year, period)}, {name}" for pk, kind, year, period, name in rows}


def releases(pks: list[int]) -> dict[int, str]:
    rows = ForbundRelease.objects.filter(pk__in=pks).values_list(
        "pk", "kind", "year", "period", "programme__forbund__name"
    )
    return {pk: f"{period_words(kind, year, period)}, {name}" for pk, kind, year, period, name in rows}


def activities(pks: list[int]) -> dict[int, str]:
    rows = Activity.objects.filter(pk__in=pks).values_list("pk", "date", "activity_type__label", "enrolment__code")
    return {pk: f"{label} {day:%Y-%m-%d}, {participant_words(code)}" for pk, day, label, code in rows}


def measurements(pks: list[int]) -> dict[int, str]:
    found = {}
    for pk, day, kind, code in Measurement.objects.filter(pk__in=pks).values_list(
        "pk", "date", "kind", "enrolment__code"
    ):
        what = MeasurementKind(kind).label if kind in MeasurementKind.values else _("Mätning")
        found[pk] = f"{str(what).lower()} {day:%Y-%m-%d}, {participant_words(code)}"
    return found


def goals(pks: list[int]) -> dict[int, str]:
    rows = ActionPlanGoal.objects.filter(pk__in=pks).values_list("pk", "indicator__label", "enrolment__code")
    return {pk: f"{label}, {participant_words(code)}" for pk, label, code in rows}


def meetings(pks: list[int]) -> dict[int, str]:
    rows = MultiPartyMeeting.objects.filter(pk__in=pks).values_list("pk", "date", "enrolment__code")
    return {pk: f"{day:%Y-%m-%d}, {participant_words(code)}" for pk, day, code in rows}


def leader_changes(pks: list[int]) -> dict[int, str]:
    rows = LeaderChange.objects.filter(pk__in=pks).values_list("pk", "from_date", "enrolment__code")
    return {
        pk: _("från %(date)s, %(participant)s") % {"date": f"{day:%Y-%m-%d}", "participant": participant_words(code)}
        for pk, day, code in rows
    }


def register() -> None:
    register_labeller("delivery", deliveries)
    register_labeller("forbund_release", releases)
    register_labeller("activity", activities)
    register_labeller("measurement", measurements)
    register_labeller("action_plan", goals)
    register_labeller("meeting", meetings)
    register_labeller("leader_change", leader_changes)
