"""Every e-mail Insyn sends goes through one job kind, `mail_send`: the caller answers at once, the
worker hands the message to the mail server, a server that does not answer is tried again with a
pause, and each sent message is recorded in the audit log (MAIL_SEND, without the addresses)."""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record

from .models import Job, JobKind
from .registry import JobInput, TransientJobError, register_job_handler
from .services import job_start

if TYPE_CHECKING:
    from apps.accounts.models import User


def mail_send(
    *,
    recipients: list[str],
    subject: str,
    body: str,
    actor: User | None = None,
    context: AuditContext | None = None,
) -> Job:
    """Queue one e-mail (the same message to each recipient in `recipients`)."""
    return job_start(
        actor=actor,
        kind=JobKind.MAIL_SEND,
        arguments={"recipients": list(recipients), "subject": subject, "body": body},
        context=context,
    )


def _run_mail_send(job_input: JobInput) -> dict[str, Any]:
    job = job_input.job
    recipients = [str(address) for address in job.arguments.get("recipients", [])]
    subject = str(job.arguments.get("subject", ""))
    try:
        sent = send_mail(
            subject=subject,
            message=str(job.arguments.get("body", "")),
            from_email=None,
            recipient_list=recipients,
        )
    except (smtplib.SMTPException, OSError) as exc:
        if job.attempts >= settings.INSYN_JOB_MAX_ATTEMPTS:
            # The last attempt: the text (an invitation's link) is not kept on a failed job.
            Job.objects.filter(pk=job.pk).update(arguments={"subject": subject, "recipients": len(recipients)})
        raise TransientJobError("the mail server did not take the message") from exc
    with transaction.atomic():
        audit_record(
            actor=job.started_by,
            action=AuditAction.MAIL_SEND,
            context=AuditContext(channel=job.channel, address=job.address),
            object_type="job",
            object_id=str(job.pk),
            details={"subject": subject, "recipients": len(recipients)},
        )
        # The message is sent: the job keeps what it was about, not the text or the addresses.
        Job.objects.filter(pk=job.pk).update(arguments={"subject": subject, "recipients": len(recipients)})
    return {"sent": sent}


def register() -> None:
    register_job_handler(JobKind.MAIL_SEND, _run_mail_send)
