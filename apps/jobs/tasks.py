"""The one task the backend runs: a job by its id. Everything else lives on the Job row."""

from __future__ import annotations

from django_tasks import task

from .services import job_run


@task()
def run_job(job_id: int) -> None:
    job_run(job_id)
