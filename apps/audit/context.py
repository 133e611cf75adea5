"""How a call reached a service, for its audit row: the channel and the client's address.

Views build it from the request (`audit_context(request)`) and pass it down; services never see
an HttpRequest. The actor travels on its own keyword, because services also check what the actor
may do; a command line or worker call passes no context and is recorded as `cli`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class AuditContext:
    channel: str = "cli"
    address: str | None = None


CLI = AuditContext()


def audit_context(request: HttpRequest) -> AuditContext:
    # REMOTE_ADDR only: behind a proxy, gunicorn's --forwarded-allow-ips sets it correctly.
    channel = "api" if request.path.startswith("/api/") else "web"
    return AuditContext(channel=channel, address=request.META.get("REMOTE_ADDR") or None)
