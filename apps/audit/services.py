from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from .models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from apps.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: behind a proxy, gunicorn's --forwarded-allow-ips sets it correctly.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str = "",
    person_code: str = "",
    municipality_slug: str = "",
    channel: str | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one row. Call it inside the transaction of the write it describes, so either
    both are stored or neither."""
    if channel is None:
        channel = "api" if request is not None and request.path.startswith("/api/") else ("web" if request else "cli")
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_username=actor_username if actor_username is not None else (actor.get_username() if actor else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_code=person_code,
        municipality_slug=municipality_slug,
        ip_address=client_ip(request),
        channel=channel,
        details=details or {},
    )


def audit_record_many(
    *,
    actor: User | None,
    action: AuditAction,
    entries: list[dict[str, Any]],
    request: HttpRequest | None = None,
    channel: str | None = None,
) -> None:
    """Append one row per entry (object_type, object_id, person_code, municipality_slug, details)
    in one statement: a bulk import logs every object it writes without a round trip each."""
    if channel is None:
        channel = "api" if request is not None and request.path.startswith("/api/") else ("web" if request else "cli")
    from apps.core.bulk import bulk_insert

    common = {
        "actor_id": actor.pk if actor is not None else None,
        "actor_username": actor.get_username() if actor else "",
        "action": action.value,
        "ip_address": client_ip(request),
        "channel": channel,
    }
    bulk_insert(
        AuditEvent,
        (
            {
                **common,
                "object_type": entry.get("object_type", ""),
                "object_id": str(entry.get("object_id", "")),
                "person_code": entry.get("person_code", ""),
                "municipality_slug": entry.get("municipality_slug", ""),
                "details": entry.get("details", {}),
            }
            for entry in entries
        ),
        fields=[*common, "object_type", "object_id", "person_code", "municipality_slug", "details"],
    )
