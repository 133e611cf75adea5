"""Starting and running jobs. A view or command starts a job (`job_start`): the row, the stored
upload and the JOB_START audit row in one transaction, and the task is handed to the backend.
A worker runs it (`job_run`): the kind's handler does the work and reports its progress; the
job ends done (JOB_FINISH) or failed with a Swedish message (JOB_FAIL). A failure of the
database or the broker under the job is tried again with a growing pause; a refusal of the
input (an `InsynError`, e.g. an import's row problems) is the job's result and is not retried."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.accounts.language import language_of
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.request_id import request_id_scope
from insyn.errors import InsynError

from . import storage
from .models import Job, JobKind, JobState
from .registry import JobInput, TransientJobError, job_handler

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.organisations.models import Organisation

logger = logging.getLogger(__name__)

FAILED_TRANSIENT = _(
    "Jobbet kunde inte slutföras eftersom databasen eller kön inte svarade, trots flera försök. "
    "Ingenting sparades. Försök igen om en stund."
)
FAILED_UNEXPECTED = _(
    "Jobbet avbröts av ett oväntat fel i systemet. Ingenting sparades. "
    "Försök igen, och kontakta förvaltningen om det upprepas."
)
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, TransientJobError)


def job_start(
    *,
    actor: User | None,
    kind: JobKind,
    organisation: Organisation | None = None,
    arguments: dict[str, Any] | None = None,
    upload: IO[bytes] | None = None,
    context: AuditContext | None = None,
) -> Job:
    """Record a job and hand it to the task backend; answers at once (with the immediate
    backend, used in tests, the job has run by the time this returns)."""
    context = context or AuditContext()
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            started_by=actor,
            organisation=organisation,
            arguments=arguments or {},
            channel=context.channel,
            address=context.address,
            request_id=context.row_request_id or "",
        )
        if upload is not None:
            storage.store_upload(job.pk, upload)
        audit_record(
            actor=actor,
            action=AuditAction.JOB_START,
            context=context,
            object_type="job",
            object_id=str(job.pk),
            municipality_slug=organisation.slug if organisation is not None else "",
            details={"kind": kind.value},
        )
        if settings.INSYN_JOB_BACKEND == "database":
            # The task row is written in the same transaction: both or neither.
            _enqueue(job.pk)
        elif settings.INSYN_JOB_BACKEND == "rq":
            # The worker on another machine must find the committed row.
            transaction.on_commit(lambda: _enqueue(job.pk))
    if settings.INSYN_JOB_BACKEND == "immediate":
        _enqueue(job.pk)
    job.refresh_from_db()
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_job

    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, backend_result_id="").update(backend_result_id=str(result.id)[:64])


def job_requeue(*, job: Job) -> Job:
    """Hand a job that never finished (its worker was killed) to the backend again. Safe: the
    imports are all or nothing, so the killed attempt left nothing behind."""
    if job.is_finished:
        return job
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED, progress=0, backend_result_id="")
    if settings.INSYN_JOB_BACKEND == "rq":
        transaction.on_commit(lambda: _enqueue(job.pk))
    else:
        _enqueue(job.pk)
    job.refresh_from_db()
    return job


def job_run(job_id: int) -> None:
    """Run a job to its end (the task's body). A job already finished is left alone, so a task
    delivered twice does no harm."""
    job = Job.objects.select_related("started_by", "organisation").get(pk=job_id)
    if job.is_finished:
        return
    # Each job also clears away expired result files, so none outlives its time without a cron line.
    job_files_purge()
    # The job speaks the language of the person who started it (its messages, its files), as the
    # request did; a job without a starter, or a starter without a choice, is in Swedish.
    with request_id_scope(job.request_id or None), translation.override(language_of(job.started_by)):
        _job_attempts(job)


def _job_attempts(job: Job) -> None:
    handler = job_handler(job.kind)
    reporter = _ProgressReporter(job.pk)
    try:
        while True:
            job.attempts += 1
            job.state = JobState.RUNNING
            job.progress = 0
            job.started_at = job.started_at or timezone.now()
            job.save(update_fields=["attempts", "state", "progress", "started_at"])
            try:
                result = handler(JobInput(job=job, upload=storage.upload_path(job.pk), progress=reporter))
            except InsynError as exc:
                _finish_failed(job, exc.message, {"code": exc.code, "fields": exc.fields})
                return
            except TRANSIENT_ERRORS:
                logger.warning("job %s attempt %s: transient failure", job.pk, job.attempts, exc_info=True)
                _reconnect()
                if job.attempts >= settings.INSYN_JOB_MAX_ATTEMPTS:
                    _finish_failed(job, str(FAILED_TRANSIENT), {}, keep_upload=True)
                    return
                time.sleep(retry_pause(job.attempts))
                continue
            except Exception:
                logger.exception("job %s failed unexpectedly", job.pk)
                _reconnect()
                _finish_failed(job, str(FAILED_UNEXPECTED), {}, keep_upload=True)
                return
            _finish_done(job, result)
            return
    finally:
        reporter.close()


def retry_pause(attempt: int) -> float:
    """Seconds to wait before the next attempt: 1, 2, 4, … at most 30."""
    return float(min(30, 2 ** (attempt - 1)))


def _reconnect() -> None:
    try:
        if connection.in_atomic_block:
            return
        connection.close()
    except DatabaseError:
        pass


def job_audit_context(job: Job) -> AuditContext:
    """The audit context of the request that started the job, for the rows its handler writes."""
    return AuditContext(channel=job.channel, address=job.address, request_id=job.request_id or None)


def _finish_done(job: Job, result: dict[str, Any]) -> None:
    with transaction.atomic():
        job.state = JobState.DONE
        job.progress = 100
        job.result = result
        job.error = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "progress", "result", "error", "finished_at"])
        audit_record(
            actor=job.started_by,
            action=AuditAction.JOB_FINISH,
            context=job_audit_context(job),
            object_type="job",
            object_id=str(job.pk),
            municipality_slug=job.organisation.slug if job.organisation is not None else "",
            details={"kind": job.kind, "attempts": job.attempts},
        )
    storage.delete_upload(job.pk)


def _finish_failed(job: Job, message: str, result: dict[str, Any], *, keep_upload: bool = False) -> None:
    with transaction.atomic():
        job.state = JobState.FAILED
        job.result = result
        job.error = message
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "result", "error", "finished_at"])
        audit_record(
            actor=job.started_by,
            action=AuditAction.JOB_FAIL,
            context=job_audit_context(job),
            object_type="job",
            object_id=str(job.pk),
            municipality_slug=job.organisation.slug if job.organisation is not None else "",
            details={"kind": job.kind, "attempts": job.attempts, "error": message},
        )
    if not keep_upload:
        storage.delete_upload(job.pk)


class _ProgressReporter:
    """Writes a job's progress where other processes see it at once, also while the handler holds
    its own transaction open (an all-or-nothing import): on PostgreSQL through a second
    connection of its own in autocommit. SQLite allows one writer, so there the bar moves only
    outside the handler's transaction (documented; production runs PostgreSQL)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = -1
        self._side: Any = None
        self._lock = threading.Lock()

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent <= self.last:
            return
        self.last = percent
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(progress=percent)
            return
        if connection.vendor != "postgresql":
            return
        try:
            with self._lock:
                if self._side is None:
                    self._side = connections.create_connection("default")
                with self._side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {Job._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608 - table name from the model
                        [percent, self.job_id],
                    )
        except DatabaseError:
            logger.warning("job %s: progress not written", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_file_expires_at(job: Job) -> datetime.datetime | None:
    """When the job's result file is deleted (it may hold personal data in the clear)."""
    if job.finished_at is None or not job.result.get("file"):
        return None
    return job.finished_at + datetime.timedelta(hours=settings.INSYN_JOB_FILE_HOURS)


def job_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete every result file older than INSYN_JOB_FILE_HOURS; the job keeps its counts and
    notes when the file went. Returns how many files were deleted."""
    limit = (now or timezone.now()) - datetime.timedelta(hours=settings.INSYN_JOB_FILE_HOURS)
    purged = 0
    for job in Job.objects.filter(state=JobState.DONE, finished_at__lt=limit, result__has_key="file"):
        stored = str(job.result.get("file") or "")
        if not stored:
            continue
        storage.delete_result_file(job.pk, stored)
        job.result = {**job.result, "file": "", "file_removed_at": timezone.now().isoformat()}
        job.save(update_fields=["result"])
        purged += 1
    return purged


def job_file_download_record(*, actor: User, job: Job, context: AuditContext | None = None) -> None:
    """Log that `actor` fetched the job's file: one row per municipality whose data it holds."""
    slugs = [str(slug) for slug in job.result.get("municipalities", [])] or [
        job.organisation.slug if job.organisation is not None else ""
    ]
    for slug in slugs:
        audit_record(
            actor=actor,
            action=AuditAction.JOB_DOWNLOAD,
            context=context,
            object_type="job",
            object_id=str(job.pk),
            municipality_slug=slug,
            details={"kind": job.kind, "rows": job.result.get("rows")},
        )
