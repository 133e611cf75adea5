"""How the audit log names this app's objects (registered in LexHellerConfig.ready)."""

from __future__ import annotations

from apps.audit.naming import register_labeller

from .models import BugMeeting


def meetings(pks: list[int]) -> dict[int, str]:
    return {pk: f"{day:%Y-%m-%d}" for pk, day in BugMeeting.objects.filter(pk__in=pks).values_list("pk", "date")}


def register() -> None:
    register_labeller("bug_meeting", meetings)
