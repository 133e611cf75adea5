from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.swedish import quoted

from .context import CLI, AuditContext
from .integrity import AuditKeys, audit_keys, chain_mac, digest_key_id, event_digest, same
from .models import AuditAction, AuditChainLink, AuditEvent

if TYPE_CHECKING:
    from apps.accounts.models import User


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    context: AuditContext | None = None,
    object_type: str = "",
    object_id: str = "",
    person_code: str = "",
    municipality_slug: str = "",
    details: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one row. Call it inside the transaction of the write it describes, so either
    both are stored or neither."""
    context = context or CLI
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_username=actor_username if actor_username is not None else (actor.get_username() if actor else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_code=person_code,
        municipality_slug=municipality_slug,
        ip_address=context.address,
        channel=context.channel,
        details=details or {},
        request_id=context.row_request_id,
    )


def audit_record_many(
    *,
    actor: User | None,
    action: AuditAction,
    entries: list[dict[str, Any]],
    context: AuditContext | None = None,
) -> None:
    """Append one row per entry (object_type, object_id, person_code, municipality_slug, details)
    in one statement: a bulk import logs every object it writes without a round trip each."""
    context = context or CLI
    from apps.core.bulk import bulk_insert

    common = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_username": actor.get_username() if actor else "",
        "action": action.value,
        "ip_address": context.address,
        "channel": context.channel,
        "request_id": context.row_request_id,
    }
    key = audit_keys().active

    def row(entry: dict[str, Any]) -> dict[str, Any]:
        values = {
            **common,
            "object_type": entry.get("object_type", ""),
            "object_id": str(entry.get("object_id", "")),
            "person_code": entry.get("person_code", ""),
            "municipality_slug": entry.get("municipality_slug", ""),
            "details": entry.get("details", {}),
        }
        # One HMAC per row and no query: the digest goes in with the row (COPY on PostgreSQL).
        values["digest"] = event_digest(values, key=key)
        return values

    bulk_insert(
        AuditEvent,
        (row(entry) for entry in entries),
        fields=[*common, "object_type", "object_id", "person_code", "municipality_slug", "details", "digest"],
    )


# The hash chain. The insert path above takes no lock and does no extra query; the sealer below
# links committed rows afterwards, one run at a time (`insyn audit seal` from cron, every minute).

# Any fixed number: the advisory lock that serialises sealers on PostgreSQL.
CHAIN_LOCK = 0x696E_7379_6E61_7564
SEAL_BATCH = 5000
# The sealer looks for rows without link from this long before the newest linked row on (or
# before now, whichever is earlier): longer than any import stays open. A row older than that
# without link was written past the application, and `verify` reports it.
SEAL_LOOKBACK = datetime.timedelta(days=1)
# Rows younger than this may simply not be sealed yet.
UNLINKED_GRACE = datetime.timedelta(minutes=5)
FINDINGS_KEPT = 1000
OVERDUE_RECHECKED = 500  # within SQLite's limit of parameters per query


@dataclass(frozen=True)
class ChainHead:
    sequence: int
    mac: str
    linked: int = 0  # links the run that returned the head made

    def __str__(self) -> str:
        return f"{self.sequence}:{self.mac}"


def _lock_chain() -> None:
    # SQLite has one writer at a time; two sealers racing there make the second fail on the
    # link's primary key, and the next run links what it left.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _unlinked() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(~Exists(AuditChainLink.objects.filter(event_id=OuterRef("pk"))))


def _window_start(last: AuditChainLink | None) -> datetime.datetime | None:
    if last is None:
        return None  # the first run links every row, those written before digests existed too
    occurred = AuditEvent.objects.filter(pk=last.event_id).values_list("occurred_at", flat=True).first()
    if occurred is None:
        return None  # the last linked row is gone: look everywhere; verify reports the removal
    # A row dated in the future must not hide today's rows from the sealer.
    return min(occurred, timezone.now()) - SEAL_LOOKBACK


def audit_chain_extend(*, batch_size: int = SEAL_BATCH) -> ChainHead | None:
    """Link every committed event that has no link yet, in id order, after the chain's last link,
    and return the new head (None while the log is empty). Events of a transaction that commits
    later are linked by a later run."""
    keys = audit_keys()
    linked = 0
    with transaction.atomic():
        _lock_chain()
        last = AuditChainLink.objects.order_by("-sequence").first()
        sequence, previous = (last.sequence, last.mac) if last else (0, "")
        pending = _unlinked()
        since = _window_start(last)
        if since is not None:
            pending = pending.filter(occurred_at__gte=since)
        after: int | None = None
        while True:
            page = pending if after is None else pending.filter(pk__gt=after)
            batch = list(page.order_by("pk")[:batch_size])
            if not batch:
                break
            links = []
            for event in batch:
                # Rows from before digests existed are vouched for as they are at their first seal.
                digest = event.digest or event.compute_digest(key=keys.active)
                sequence += 1
                previous = chain_mac(key=keys.active, previous=previous, event_id=event.pk, digest=digest)
                links.append(
                    AuditChainLink(
                        sequence=sequence, event_id=event.pk, key_id=keys.active_id, digest=digest, mac=previous
                    )
                )
            AuditChainLink.objects.bulk_create(links)
            linked += len(links)
            after = batch[-1].pk
    return ChainHead(sequence, previous, linked) if sequence else None


@dataclass(frozen=True)
class AuditFinding:
    kind: str  # removed, altered, undigested, unlinked, link, head, key
    message: str
    event_id: int | None = None
    sequence: int | None = None


@dataclass
class AuditVerification:
    findings: list[AuditFinding] = field(default_factory=list)
    total: int = 0  # findings, also those beyond FINDINGS_KEPT
    links: int = 0
    head: ChainHead | None = None

    def add(self, finding: AuditFinding) -> None:
        self.total += 1
        if len(self.findings) < FINDINGS_KEPT:
            self.findings.append(finding)


def describe_event(event: AuditEvent) -> str:
    when = timezone.localtime(event.occurred_at)
    return _("Händelse %(id)s (%(when)s, %(actor)s, %(action)s)") % {
        "id": event.pk,
        "when": f"{when:%Y-%m-%d %H:%M}",
        "actor": event.actor_username or "–",
        "action": event.action,
    }


def parse_head(text: str) -> tuple[int | None, str]:
    """A head as `insyn audit seal` prints it, "<link>:<mac>", or the mac alone."""
    number, sep, mac = text.strip().rpartition(":")
    if not sep:
        return None, mac.lower()
    if not number.isdigit():
        raise ValueError(_("%(text)s är inget huvud: skriv det som länknummer:kontrollsumma.") % {"text": quoted(text)})
    return int(number), mac.lower()


class _DigestChecker:
    """Recomputes an event's digest with the key a stored digest names; reports a key that is not
    configured once."""

    def __init__(self, keys: AuditKeys, result: AuditVerification) -> None:
        self.keys, self.result = keys, result
        self.missing: set[str] = set()

    def key(self, key_id: str, where: str) -> bytes | None:
        key = self.keys.keys.get(key_id)
        if key is None and key_id not in self.missing:
            self.missing.add(key_id)
            self.result.add(
                AuditFinding(
                    "key",
                    _(
                        "Nyckeln %(key)s är inte inställd (INSYN_AUDIT_KEY eller INSYN_AUDIT_RETIRED_KEYS): "
                        "%(where)s och allt annat som är gjort med den kan inte kontrolleras."
                    )
                    % {"key": quoted(key_id), "where": where},
                )
            )
        return key

    def matches(self, event: AuditEvent, digest: str) -> bool | None:
        key = self.key(digest_key_id(digest), _("händelse %(id)s") % {"id": event.pk})
        return None if key is None else same(event.compute_digest(key=key), digest)


def audit_chain_verify(*, head: str | None = None, batch_size: int = SEAL_BATCH) -> AuditVerification:
    """Seal, then recompute every digest and chain MAC. Findings come in chain order, so the first
    one is the first problem; `head` (printed by an earlier seal) must still be in the chain."""
    audit_chain_extend()
    result = AuditVerification()
    checker = _DigestChecker(audit_keys(), result)
    wanted = parse_head(head) if head else None
    head_found = False
    previous, expected, anchored, digests_begun = "", 1, True, False
    after = 0
    while True:
        batch = list(AuditChainLink.objects.filter(sequence__gt=after).order_by("sequence")[:batch_size])
        if not batch:
            break
        events = AuditEvent.objects.in_bulk([link.event_id for link in batch])
        for link in batch:
            result.links += 1
            if link.sequence != expected:
                missing = str(expected) if link.sequence == expected + 1 else f"{expected}–{link.sequence - 1}"
                result.add(
                    AuditFinding(
                        "link",
                        _("Länk %(missing)s saknas: kedjan är bruten före länk %(sequence)s.")
                        % {"missing": missing, "sequence": link.sequence},
                        sequence=expected,
                    )
                )
                anchored = False
            key = checker.key(link.key_id, _("länk %(sequence)s") % {"sequence": link.sequence})
            mac_ok: bool | None = None
            if key is not None and anchored:
                mac_ok = same(
                    chain_mac(key=key, previous=previous, event_id=link.event_id, digest=link.digest), link.mac
                )
            if mac_ok is False:
                result.add(
                    AuditFinding(
                        "link",
                        _("Länk %(sequence)s (händelse %(id)s) är ändrad: kedjan är bruten där.")
                        % {"sequence": link.sequence, "id": link.event_id},
                        event_id=link.event_id,
                        sequence=link.sequence,
                    )
                )
            event = events.get(link.event_id)
            if event is None:
                result.add(
                    AuditFinding(
                        "removed",
                        _("Händelse %(id)s är borttagen: länk %(sequence)s finns kvar men inte händelsen.")
                        % {"id": link.event_id, "sequence": link.sequence},
                        event_id=link.event_id,
                        sequence=link.sequence,
                    )
                )
            else:
                if mac_ok is not False:
                    altered = bool(event.digest) and event.digest != link.digest
                    altered = altered or checker.matches(event, link.digest) is False
                else:
                    # A broken link's copy of the digest proves nothing; the row's own still may.
                    altered = bool(event.digest) and checker.matches(event, event.digest) is False
                if altered:
                    result.add(AuditFinding("altered", _altered(event), event.pk, link.sequence))
                elif not event.digest and digests_begun:
                    result.add(_undigested(event, link.sequence))
                digests_begun = digests_begun or bool(event.digest)
            if wanted is not None and same(link.mac, wanted[1]) and wanted[0] in (None, link.sequence):
                head_found = True
            # After a break the next link has no trustworthy predecessor: check again from the one after.
            anchored = mac_ok is not False
            previous, expected = link.mac, link.sequence + 1
        after = batch[-1].sequence
    result.head = ChainHead(expected - 1, previous) if result.links else None
    if wanted is not None and not head_found:
        result.add(
            AuditFinding(
                "head",
                _("Huvudet %(head)s finns inte i kedjan: länkar har tagits bort eller skrivits om sedan det sparades.")
                % {"head": head},
                sequence=wanted[0],
            )
        )
    _verify_unlinked(result, checker)
    return result


def _altered(event: AuditEvent) -> str:
    return _("%(event)s är ändrad.") % {"event": describe_event(event)}


def _undigested(event: AuditEvent, sequence: int | None) -> AuditFinding:
    return AuditFinding(
        "undigested",
        _("%(event)s saknar kontrollsumma: den är skriven förbi programmet.") % {"event": describe_event(event)},
        event.pk,
        sequence,
    )


def _verify_unlinked(result: AuditVerification, checker: _DigestChecker) -> None:
    overdue: list[int] = []
    threshold = timezone.now() - UNLINKED_GRACE
    for event in _unlinked().order_by("pk").iterator(chunk_size=SEAL_BATCH):
        if event.digest and checker.matches(event, event.digest) is False:
            result.add(AuditFinding("altered", _altered(event), event.pk))
        elif not event.digest:
            result.add(_undigested(event, None))
        elif event.occurred_at < threshold and len(overdue) < OVERDUE_RECHECKED:
            overdue.append(event.pk)
    if not overdue:
        return
    # An import that committed after the seal above is late, not missing: seal once more first.
    audit_chain_extend()
    for event in _unlinked().filter(pk__in=overdue).order_by("pk"):
        result.add(
            AuditFinding(
                "unlinked",
                _("%(event)s saknar länk i kedjan fast den är äldre än %(minutes)s minuter.")
                % {"event": describe_event(event), "minutes": int(UNLINKED_GRACE.total_seconds() // 60)},
                event.pk,
            )
        )
