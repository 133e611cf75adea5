"""The job page: a progress bar the page polls (htmx, every second) until the job ends, then its
result, its download or its Swedish error. Only the user who started the job sees it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.access import current_user, page
from apps.audit.context import audit_context
from apps.core.http import download

from . import storage
from .selectors import get_job_for_user
from .services import job_file_download_record, job_file_expires_at


def _context(job_id: int, request: HttpRequest) -> dict[str, object]:
    job = get_job_for_user(current_user(request), job_id)
    fields = job.result.get("fields", {}) if job.state == "failed" else {}
    problems = [message for messages in fields.values() for message in messages]
    return {"job": job, "problems": problems, "file_expires_at": job_file_expires_at(job)}


@page()
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "jobs/detail.html", _context(job_id, request))


@page()
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The part of the job page that changes, for the page's polling."""
    return render(request, "jobs/_status.html", _context(job_id, request))


@page()
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    user = current_user(request)
    job = get_job_for_user(user, job_id)
    if job.state == "done" and job.result.get("file_removed_at"):
        return render(request, "jobs/file_removed.html", {"job": job}, status=410)
    stored = str(job.result.get("file", ""))
    path = storage.result_file_path(job.pk, stored) if job.state == "done" else None
    if path is None:
        raise Http404
    job_file_download_record(actor=user, job=job, context=audit_context(request))
    filename = str(job.result.get("filename") or path.name)
    content_type = str(job.result.get("content_type") or "application/octet-stream")
    return download(path.read_bytes(), filename, content_type)
