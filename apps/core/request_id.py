"""One id per request, through every log line, the response and the audit rows it writes.

The middleware takes a sane X-Request-ID from the proxy (nginx's $request_id, a load balancer's)
or makes one, and keeps it in a context variable, so code far from the request (services, the audit
log, a background job handed the id) reads it without an HttpRequest. It also writes the access log
line and feeds the request-time histogram (apps.core.metrics), since it sees the whole request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from apps.core import metrics

HEADER = "X-Request-ID"
# Letters, digits and . _ - only, up to the audit column's length: an id from outside reaches log
# lines and the audit log, so nothing that could break a line or a JSON value gets through.
_SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str | None] = ContextVar("insyn_request_id", default=None)
access_log = logging.getLogger("insyn.access")


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    return value if value is not None and _SANE.fullmatch(value) else None


@contextmanager
def request_id_scope(request_id: str | None) -> Iterator[str]:
    """Run a block under a request id, e.g. a background job under the id of the request that
    started it: `with request_id_scope(job.request_id): ...`. A missing or insane id gets a new one."""
    value = sane_request_id(request_id) or new_request_id()
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (None outside a request), for both formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def _user_id(request: HttpRequest) -> int | None:
    # The id only, never the name: log lines leave the application for the log server.
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and getattr(user, "_wrapped", empty) is empty):
        # Never looked at by the request (a static file, /healthz): not worth a session query now.
        return None
    return user.pk if user.is_authenticated else None


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    # WhiteNoise answers static files before any URL is resolved.
    return "static" if request.path.startswith(settings.STATIC_URL) else "unmatched"


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every other middleware's log lines carry the id too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with request_id_scope(request.headers.get(HEADER)) as request_id:
            # An error report names the id, to find its log lines (a no-op with reports off).
            sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)
            response = self.get_response(request)
            response[HEADER] = request_id
            seconds = time.perf_counter() - started
            view = _view_name(request)
            metrics.observe_request(view=view, status=response.status_code, seconds=seconds)
            # The path without its query string: searches may carry what someone typed.
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
        return response
