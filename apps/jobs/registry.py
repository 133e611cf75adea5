"""What runs a job of each kind. A domain app registers its handlers at start-up (AppConfig.ready),
so the job system, below the domain apps, never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Job

Progress = Callable[[int], None]


class TransientJobError(Exception):
    """Raised by a handler when something outside the job failed for the moment (the mail server
    did not answer): the job is tried again after a pause, like a database failure."""


@dataclass(frozen=True)
class JobInput:
    """What a handler gets: the job's row, its stored upload (if any) and a progress callback
    taking a percentage 0–100, safe to call inside the handler's transaction."""

    job: Job
    upload: Path | None
    progress: Progress


Handler = Callable[[JobInput], dict[str, Any]]

_HANDLERS: dict[str, Handler] = {}


def register_job_handler(kind: str, handler: Handler) -> None:
    _HANDLERS[kind] = handler


def job_handler(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError as exc:
        raise LookupError(f"No handler registered for job kind {kind!r}.") from exc
