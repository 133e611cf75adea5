"""The decisions app's background jobs: the import of a register (the worker reads the stored
upload and runs the same all-or-nothing import, reporting how far into the file it has come) and
the IVO reminders (`insyn ivo remind`, daily from cron), each reminder one queued e-mail."""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.audit.context import AuditContext
from apps.jobs.models import JobKind
from apps.jobs.registry import JobInput, register_job_handler


def run_decisions_import(job_input: JobInput) -> dict[str, Any]:
    from .services import decisions_import

    job = job_input.job
    assert job.organisation is not None and job_input.upload is not None
    size = max(1, job_input.upload.stat().st_size)
    with job_input.upload.open("rb") as stream:
        result = decisions_import(
            actor=job.started_by,
            municipality=job.organisation,
            filename=str(job.arguments.get("filename", "")),
            data=stream,
            context=AuditContext(channel=job.channel, address=job.address),
            progress=lambda _rows: job_input.progress(stream.tell() * 100 // size),
        )
    return {"created": result.created, "updated": result.updated}


def ivo_reminders_send(*, today: datetime.date) -> int:
    """Queue a reminder to each registrar with decisions near or past their three months, or
    when the IVO reporting window is about to close; returns how many were queued."""
    from apps.accounts.language import language_of
    from apps.accounts.models import User
    from apps.accounts.roles import Role
    from apps.jobs.mail import mail_send

    from .selectors import deadline_overview, next_ivo_window

    quarter, _window, window_end = next_ivo_window(today)
    sent = 0
    registrars = (
        User.objects.filter(role_grants__role=Role.DECISIONS_REGISTRAR, is_active=True).exclude(email="").distinct()
    )
    for user in registrars:
        approaching, overdue = deadline_overview(user, today=today)
        window_closing = (window_end - today).days <= 14
        if not (approaching or overdue or window_closing):
            continue
        # In the recipient's language: the subject, the body and the window's months.
        with translation.override(language_of(user)):
            body = render_to_string(
                "decisions/remind_email.txt",
                {
                    "user": user,
                    "approaching": approaching,
                    "overdue": overdue,
                    "quarter": quarter,
                    "window": next_ivo_window(today)[1],
                    "window_end": window_end,
                    "today": today,
                },
            )
            subject = _("Insyn: ej verkställda beslut – %(overdue)s passerade, %(approaching)s närmar sig") % {
                "overdue": len(overdue),
                "approaching": len(approaching),
            }
        mail_send(recipients=[user.email], subject=subject, body=body)
        sent += 1
    return sent


def run_ivo_reminders(job_input: JobInput) -> dict[str, Any]:
    return {"sent": ivo_reminders_send(today=datetime.date.fromisoformat(str(job_input.job.arguments["date"])))}


def register() -> None:
    from .register_export import run_decisions_export

    register_job_handler(JobKind.DECISIONS_IMPORT, run_decisions_import)
    register_job_handler(JobKind.DECISIONS_EXPORT, run_decisions_export)
    register_job_handler(JobKind.IVO_REMIND, run_ivo_reminders)
