"""The participant import as a background job: the worker reads the stored upload and runs the
same all-or-nothing import (`participants_import`), reporting the share of rows done."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from apps.jobs.models import JobKind
from apps.jobs.registry import JobInput, register_job_handler


def run_participants_import(job_input: JobInput) -> dict[str, Any]:
    from .services import participants_import

    job = job_input.job
    assert job.organisation is not None and job_input.upload is not None
    result = participants_import(
        actor=job.started_by,
        municipality=job.organisation,
        filename=str(job.arguments.get("filename", "")),
        data=job_input.upload.read_bytes(),
        progress=job_input.progress,
    )
    counts = asdict(result)
    # The job page names the referrals created.
    return {**counts, "created": counts["referrals"]}


def register() -> None:
    register_job_handler(JobKind.PARTICIPANTS_IMPORT, run_participants_import)
