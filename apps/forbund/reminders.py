"""E-mail reminders about deliveries (run daily from cron: `insyn forbund remind`): each executor's
staff hear of what is due within a week and what is late; the förbund office gets the late list."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.language import language_of
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.jobs.mail import mail_send
from apps.jobs.models import JobKind
from apps.jobs.registry import JobInput, register_job_handler

from .models import Agreement
from .tracking import Expected, TrackState, expected_deliveries

DUE_WITHIN_DAYS = 7


def _executor_subject(*, overdue: int, due: int) -> str:
    return _("Insyn: leveranser till förbundet – %(overdue)s försenade, %(due)s inom en vecka") % {
        "overdue": overdue,
        "due": due,
    }


def _forbund_subject(*, count: int) -> str:
    return _("Insyn: %(count)s försenade leveranser från utförarna") % {"count": count}


def _send(user: User, subject_of: Callable[[], str], template: str, context: dict[str, object]) -> None:
    """`subject_of` is called in the recipient's language, as the body is rendered."""
    with translation.override(language_of(user)):
        subject = subject_of()
        body = render_to_string(template, {"user": user, **context})
    with transaction.atomic():
        mail_send(
            recipients=[user.email],
            subject=subject,
            body=body,
        )
        audit_record(
            actor=None,
            action=AuditAction.REMINDER_SEND,
            object_type="user",
            object_id=str(user.pk),
            details={"subject": subject},
        )


def reminders_send(*, today: datetime.date) -> int:
    """Send the day's reminders; returns how many e-mails went out. Users without an e-mail
    address get none."""
    agreements = Agreement.objects.filter(year__in=[today.year - 1, today.year]).select_related(
        "forbund", "programme_unit__unit"
    )
    items = expected_deliveries(agreements, today)
    relevant = [
        e
        for e in items
        if e.state == TrackState.OVERDUE or (e.state == TrackState.DUE and (e.due - today).days <= DUE_WITHIN_DAYS)
    ]
    by_unit: dict[int, list[Expected]] = defaultdict(list)
    by_forbund: dict[int, list[Expected]] = defaultdict(list)
    for item in relevant:
        by_unit[item.agreement.programme_unit.unit_id].append(item)
        if item.state == TrackState.OVERDUE:
            by_forbund[item.agreement.forbund_id].append(item)
    sent = 0
    for unit_id, unit_items in by_unit.items():
        staff = (
            User.objects.filter(is_active=True)
            .filter(
                Q(role_grants__organisation_id=unit_id),
                Q(role_grants__role__in=[Role.EXECUTOR_CASEWORKER, Role.EXECUTOR_MANAGER]),
            )
            .exclude(email="")
            .distinct()
        )
        overdue = [e for e in unit_items if e.state == TrackState.OVERDUE]
        due = [e for e in unit_items if e.state == TrackState.DUE]
        for user in staff:
            _send(
                user,
                partial(_executor_subject, overdue=len(overdue), due=len(due)),
                "forbund/remind_executor.txt",
                {"overdue": overdue, "due": due, "today": today},
            )
            sent += 1
    for forbund_id, late in by_forbund.items():
        officers = (
            User.objects.filter(
                is_active=True,
                role_grants__organisation_id=forbund_id,
                role_grants__role=Role.FORBUND_OFFICER,
            )
            .exclude(email="")
            .distinct()
        )
        for user in officers:
            _send(
                user,
                partial(_forbund_subject, count=len(late)),
                "forbund/remind_forbund.txt",
                {"overdue": late, "today": today},
            )
            sent += 1
    return sent


def _run_delivery_reminders(job_input: JobInput) -> dict[str, object]:
    """The daily reminders as a job (`insyn forbund remind` starts it; cron runs that)."""
    today = datetime.date.fromisoformat(str(job_input.job.arguments["date"]))
    return {"sent": reminders_send(today=today)}


def register_jobs() -> None:
    register_job_handler(JobKind.DELIVERY_REMIND, _run_delivery_reminders)
