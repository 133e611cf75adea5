"""Error reports to Sentry, scrubbed so that no personal data leaves the municipality.

Off unless INSYN_SENTRY_DSN is set (insyn/settings.py). What is kept: the exception's type, the
stack (file, function, line, no local variables), the request's method and path, the view, the
environment and release, and the request id as a tag, to find the log lines. What is removed:
request bodies, query strings, cookies, headers, the user, breadcrumbs, extra data, exception
messages (an IntegrityError's message quotes the row) and the arguments of a logged message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import sentry_sdk

if TYPE_CHECKING:
    from sentry_sdk._types import Event, Hint

_REQUEST_KEPT = ("method", "url")


def error_reports_start(*, dsn: str, environment: str, release: str | None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        # sentry-sdk's successor of send_default_pii=False (deprecated in 2.7x), stricter: nothing
        # about the user, cookies, headers, query strings, bodies, SQL parameters or local variables.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "url_query_params": {"mode": "off"},
            "http_bodies": [],
            "database_query_data": False,
            "stack_frame_variables": False,
            "queues": False,
            # The code is in the repository; without its lines a report needs nothing but the stack.
            "frame_context_lines": 0,
        },
        # Errors only: no performance traces, no profiles, no log records as events.
        traces_sample_rate=0.0,
        max_breadcrumbs=0,
        before_send=_before_send,
    )


def _before_send(event: Event, _hint: Hint) -> Event | None:
    return cast("Event", error_report_scrub(cast("dict[str, Any]", event)))


def error_report_scrub(event: dict[str, Any]) -> dict[str, Any]:
    """Keep the shape of the failure and drop anything that may hold what someone typed or is."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {name: request[name] for name in _REQUEST_KEPT if name in request}
        if isinstance(kept.get("url"), str):
            kept["url"] = kept["url"].split("?", 1)[0]
        event["request"] = kept
    for name in ("user", "breadcrumbs", "extra"):
        event.pop(name, None)
    exception = event.get("exception")
    for value in exception.get("values", []) if isinstance(exception, dict) else []:
        if isinstance(value, dict):
            value.pop("value", None)
            for frame in (value.get("stacktrace") or {}).get("frames", []):
                frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        event["logentry"] = {"message": logentry.get("message", "")}
    event.pop("message", None)
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        # The runtime, OS and trace contexts stay; anything an integration adds about the caller goes.
        event["contexts"] = {key: value for key, value in contexts.items() if key in {"runtime", "os", "trace"}}
    return event
