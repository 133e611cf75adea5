"""A long piece of work run in the background: who started it, where, how far it has come and
how it ended. The task backend (django-tasks: the database, RQ on Redis, or immediate in tests)
only carries the job's id; everything a page or the API shows is read from this row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    DECISIONS_IMPORT = "decisions_import", _("Import av beslut")
    PARTICIPANTS_IMPORT = "participants_import", _("Import av deltagare")
    MAIL_SEND = "mail_send", _("Utskick av e-post")
    IVO_REMIND = "ivo_remind", _("Påminnelse om IVO-rapporter")
    DELIVERY_REMIND = "delivery_remind", _("Påminnelse om leveranser")
    PEOPLE_EXPORT = "people_export", _("Export av personregistret")
    DECISIONS_EXPORT = "decisions_export", _("Export av beslutsregistret")


class JobState(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klart")
    FAILED = "failed", _("Misslyckades")


class Job(models.Model):
    kind = models.CharField(max_length=40, choices=JobKind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # What the job works on (e.g. the uploaded file's stored name, the mail's recipients).
    arguments = models.JSONField(default=dict, blank=True)
    # How it ended: counts, the lists a page shows, a downloadable file's stored name.
    result = models.JSONField(default=dict, blank=True)
    # The Swedish message shown when the job failed; never raw exception text.
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # How the job was started, for its audit rows (web, api, cli) and from where.
    channel = models.CharField(max_length=10, default="cli")
    address = models.GenericIPAddressField(null=True, blank=True)
    # The starting request's id: the worker's log lines and audit rows carry it too.
    request_id = models.CharField(max_length=64, blank=True)
    backend_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state"], name="jobs_job_state_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="jobs_job_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]), name="jobs_job_state_known"
            ),
            models.CheckConstraint(condition=~Q(state="failed") | ~Q(error=""), name="jobs_job_failed_has_message"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
