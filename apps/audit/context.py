"""How a call reached a service, for its audit row: the channel, the client's address and the
request id (apps/core/request_id.py) that also marks the request's log lines.

Views build it from the request (`audit_context(request)`) and pass it down; services never see
an HttpRequest. The actor travels on its own keyword, because services also check what the actor
may do; a command line or worker call passes no context and is recorded as `cli`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from apps.core.request_id import current_request_id


@dataclass(frozen=True)
class AuditContext:
    channel: str = "cli"
    address: str | None = None
    # None: the row takes the id current when it is written (a job run under its request's id).
    request_id: str | None = None

    @property
    def row_request_id(self) -> str | None:
        return self.request_id or current_request_id()


CLI = AuditContext()


def audit_context(request: HttpRequest) -> AuditContext:
    # REMOTE_ADDR only: behind a proxy, gunicorn's --forwarded-allow-ips sets it correctly.
    channel = "api" if request.path.startswith("/api/") else "web"
    return AuditContext(
        channel=channel, address=request.META.get("REMOTE_ADDR") or None, request_id=current_request_id()
    )
