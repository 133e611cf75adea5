"""The files of a job, under VAR_DIR/jobs/<id>/: the upload the worker reads (deleted when the job
ends) and the result a user downloads. With workers on several machines VAR_DIR/jobs is a shared
volume (docs/operations.md)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO

from django.conf import settings

UPLOAD_NAME = "upload"


def job_dir(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / str(job_id)


def store_upload(job_id: int, data: IO[bytes]) -> Path:
    folder = job_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / UPLOAD_NAME
    with path.open("wb") as out:
        shutil.copyfileobj(data, out, length=1024 * 1024)
    return path


def upload_path(job_id: int) -> Path | None:
    path = job_dir(job_id) / UPLOAD_NAME
    return path if path.exists() else None


def delete_upload(job_id: int) -> None:
    (job_dir(job_id) / UPLOAD_NAME).unlink(missing_ok=True)


def result_path(job_id: int, name: str) -> tuple[str, Path]:
    """Where a handler writes its result file itself (a streamed export): the stored name for
    the job's result and the path to write."""
    folder = job_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"result-{Path(name).name}"
    return stored, folder / stored


def delete_result_file(job_id: int, stored: str) -> None:
    if stored:
        (job_dir(job_id) / Path(stored).name).unlink(missing_ok=True)


def result_file_path(job_id: int, stored: str) -> Path | None:
    path = job_dir(job_id) / Path(stored).name
    return path if stored and path.exists() else None
