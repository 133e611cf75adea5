"""Reads of jobs: only the user who started a job sees it; anyone else gets 404."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404

from apps.accounts.models import User

from .models import Job, JobState


def get_job_for_user(user: User, job_id: int) -> Job:
    job = Job.objects.select_related("organisation").filter(pk=job_id, started_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def job_queue_counts() -> dict[str, int]:
    """How many jobs wait, run and have failed, for the metrics and the health check."""
    counts = {JobState.QUEUED.value: 0, JobState.RUNNING.value: 0, JobState.FAILED.value: 0}
    rows = Job.objects.filter(state__in=list(counts)).values("state").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts
