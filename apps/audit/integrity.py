"""Tamper evidence for the audit log: a keyed digest of every row, computed when the row is written,
and a keyed hash chain over the rows, built afterwards by the sealer (`services.audit_chain_extend`).

Both are HMAC-SHA256 with INSYN_AUDIT_KEY, which is never stored in the database: whoever can write
to the database but does not hold the key cannot make a digest or a chain MAC that verifies.

Digests look like ``<key id>:<hex>``; the key id is derived from the key, so a digest and a chain
link say which key made them and a rotated key stays usable for checking (docs/operations.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings

# The fields a digest covers, in this order. Not the id: the INSERT draws it, and learning it first
# would cost a query per row; the chain binds each id to its digest instead.
DIGEST_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "person_code",
    "municipality_slug",
    "ip_address",
    "channel",
    "details",
)
# Covered when set and left out of what is hashed when not, so the rows from before the field
# (and their digests) stay as they were, and a value added to or removed from a row later shows.
OPTIONAL_DIGEST_FIELDS = ("request_id",)
# Part of what is hashed, so a later change of the serialisation can never verify as this one.
SERIALISATION = "insyn-audit-v1"


@lru_cache(maxsize=32)
def key_id(key: bytes) -> str:
    """A short public name for a key, derived from it: nothing else to keep in step when rotating."""
    return hmac.new(key, b"insyn audit key id", hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class AuditKeys:
    active_id: str
    keys: dict[str, bytes] = field(repr=False)

    @property
    def active(self) -> bytes:
        return self.keys[self.active_id]


def audit_keys() -> AuditKeys:
    """The active key (new digests and links) and the retired ones (still needed to check old rows)."""
    active: bytes = settings.INSYN_AUDIT_KEY
    keys = {key_id(key): key for key in settings.INSYN_AUDIT_RETIRED_KEYS}
    keys[key_id(active)] = active
    return AuditKeys(active_id=key_id(active), keys=keys)


_PLAIN = (str, int, bool, type(None))
# Made once: json.dumps with options builds an encoder per call, a third of the time per row.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _normal(value: Any) -> Any:
    """JSON values in one form, whatever the database gives back: PostgreSQL's jsonb returns 1.0 as
    1.0 but 1e20 as 100000000000000000000, and keys are strings once stored."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError("An audit row cannot hold NaN or infinity.")
        # An integral number is written as the integer it spells, as jsonb may give it back.
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


@lru_cache(maxsize=256)  # the rows of one bulk insert share their time
def _instant(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


@lru_cache(maxsize=1024)
def _address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return str(value)


def serialise_event(values: Mapping[str, Any]) -> bytes:
    """The canonical form of a row's fields: the same bytes for the values given to the INSERT and
    for the values either database returns afterwards (sorted keys, no spaces, numbers normalised)."""
    actor_id = values["actor_id"]
    texts = [
        None if (value := values[name]) is None else str(value)
        for name in ("actor_username", "action", "object_type", "object_id", "person_code", "municipality_slug")
    ]
    parts = [
        SERIALISATION,
        _instant(values["occurred_at"]),
        None if actor_id is None else int(actor_id),
        *texts,
        _address(values["ip_address"]),
        None if values["channel"] is None else str(values["channel"]),
        _normal(values["details"]),
    ]
    for name in OPTIONAL_DIGEST_FIELDS:
        if value := values.get(name):
            parts.append([name, str(value)])
    return _ENCODER.encode(parts).encode("utf-8")


def event_digest(values: Mapping[str, Any], *, key: bytes) -> str:
    return f"{key_id(key)}:{hmac.digest(key, serialise_event(values), 'sha256').hex()}"


def digest_key_id(digest: str) -> str:
    return digest.partition(":")[0]


def chain_mac(*, key: bytes, previous: str, event_id: int, digest: str) -> str:
    """HMAC(key, previous chain MAC ‖ event id ‖ row digest); the first link's previous is ""."""
    return hmac.digest(key, f"{previous}|{event_id}|{digest}".encode("ascii"), "sha256").hex()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
