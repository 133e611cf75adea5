"""Tamper evidence for the audit log: every row carries a keyed digest from the moment it is written,
the sealer links committed rows into a keyed hash chain, and `insyn audit verify` names a row
removed or altered, a link altered or removed, a row left without link and a recorded head that is
gone, even when whoever did it could bypass the database's triggers (but not read the key)."""

import base64
import datetime
import io
import re
import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.integrity import DIGEST_FIELDS, event_digest, key_id
from apps.audit.models import AuditAction, AuditChainLink, AuditEvent
from apps.audit.services import audit_chain_extend, audit_chain_verify, audit_record, audit_record_many
from lib.crypto import encode_key, new_key

DIGEST = re.compile(r"^[0-9a-f]{8}:[0-9a-f]{64}$")


@contextmanager
def past_the_triggers():
    """A cursor as someone who owns the database: a PostgreSQL superuser in replica mode (ordinary
    triggers do not fire), or on SQLite with the triggers dropped. Neither holds INSYN_AUDIT_KEY."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield cursor
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit_%'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield cursor
            for _name, sql in triggers:
                cursor.execute(sql)


def verify(*args: str) -> tuple[bool, list[str]]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError:
        return False, out.getvalue().splitlines()
    return True, out.getvalue().splitlines()


def seal() -> str:
    out = io.StringIO()
    call_command("audit", "seal", stdout=out)
    return out.getvalue().strip()


def view(username: str = "handlaggare.alingsas", code: str = "ALI-7KQ3M9") -> AuditEvent:
    return audit_record(
        actor=None,
        actor_username=username,
        action=AuditAction.PARTICIPANT_VIEW,
        object_type="participant",
        object_id=code,
        person_code=code,
        municipality_slug="alingsas",
    )


def describe(event: AuditEvent) -> str:
    return (
        f"Händelse {event.pk} ({timezone.localtime(event.occurred_at):%Y-%m-%d %H:%M}, "
        f"{event.actor_username}, {event.action})"
    )


def test_every_row_gets_a_digest_that_matches_the_row_as_the_database_returns_it(db):
    details = {"rows": 3, "share": 0.1, "whole": 1.0, "large": 1e20, "name": "Åsa Öberg", "nested": {"b": [1, 2]}}
    one = audit_record(
        actor=None,
        action=AuditAction.DECISION_IMPORT,
        object_id=42,
        municipality_slug="alingsas",
        details=details,
        actor_username="registrator.alingsas",
    )
    direct = AuditEvent.objects.create(action=AuditAction.LOGIN_FAILURE, actor_username="x", ip_address="2001:DB8::1")
    audit_record_many(
        actor=None,
        action=AuditAction.PERSON_CREATE,
        entries=[{"object_type": "person", "object_id": f"ALI-{i}", "details": {"row": i, "f": 2.0}} for i in range(3)],
    )
    rows = list(AuditEvent.objects.order_by("pk"))
    assert [row.pk for row in rows[:2]] == [one.pk, direct.pk] and len(rows) == 5
    for row in rows:
        assert DIGEST.match(row.digest)
        assert row.compute_digest(key=_active_key()) == row.digest


def _active_key() -> bytes:
    from django.conf import settings

    return settings.INSYN_AUDIT_KEY


def test_the_digest_covers_every_field_and_depends_on_the_key():
    values = {
        "occurred_at": datetime.datetime(2026, 11, 30, 13, 2, tzinfo=datetime.UTC),
        "actor_id": 7,
        "actor_username": "handlaggare.alingsas",
        "action": "participant.view",
        "object_type": "participant",
        "object_id": "ALI-7KQ3M9",
        "person_code": "ALI-7KQ3M9",
        "municipality_slug": "alingsas",
        "ip_address": "10.0.0.1",
        "channel": "web",
        "details": {"codes": ["ALI-7KQ3M9"]},
    }
    assert set(values) == set(DIGEST_FIELDS)
    key = new_key()
    digest = event_digest(values, key=key)
    assert digest.startswith(f"{key_id(key)}:")
    changed = {
        "occurred_at": values["occurred_at"] + datetime.timedelta(microseconds=1),
        "actor_id": 8,
        "actor_username": "chef.alingsas",
        "action": "participant.export",
        "object_type": "person",
        "object_id": "ALI-7KQ3M8",
        "person_code": "",
        "municipality_slug": "lerum",
        "ip_address": "10.0.0.2",
        "channel": "api",
        "details": {"codes": ["ALI-7KQ3M9", "ALI-AAAAAA"]},
    }
    for name, value in changed.items():
        assert event_digest({**values, name: value}, key=key) != digest, name
    assert event_digest(values, key=new_key()).partition(":")[2] != digest.partition(":")[2]
    # The same instant in another time zone is the same row.
    stockholm = values["occurred_at"].astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert event_digest({**values, "occurred_at": stockholm}, key=key) == digest


def test_writing_a_row_is_one_insert_and_no_more(db):
    with CaptureQueriesContext(connection) as queries:
        view()
    assert len(queries) == 1
    assert queries[0]["sql"].lstrip().upper().startswith("INSERT")
    counts = []
    for size in (10, 50):
        with CaptureQueriesContext(connection) as queries:
            audit_record_many(
                actor=None, action=AuditAction.PERSON_CREATE, entries=[{"object_id": i} for i in range(size)]
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_seal_links_every_event_in_id_order_and_prints_the_head(db):
    events = [view(code=f"ALI-{i}") for i in range(4)]
    output = seal()
    links = list(AuditChainLink.objects.order_by("sequence"))
    assert [link.sequence for link in links] == [1, 2, 3, 4]
    assert [link.event_id for link in links] == [event.pk for event in events]
    assert output == f"Kedjans huvud: 4:{links[-1].mac} (4 nya länkar)."
    assert seal() == f"Kedjans huvud: 4:{links[-1].mac} (0 nya länkar)."
    assert verify()[0]


def test_seal_of_an_empty_log_says_so(db):
    assert seal() == "Kedjan är tom: loggen har inga händelser ännu."


def test_an_event_that_commits_late_is_linked_by_a_later_run(db):
    early = view(code="ALI-1")
    # An id drawn before the first seal by a transaction that commits after it (a long import).
    later = AuditEvent.objects.create(id=early.pk + 10, action=AuditAction.LOGIN_SUCCESS, actor_username="b")
    audit_chain_extend()
    late = AuditEvent.objects.create(id=early.pk + 5, action=AuditAction.DECISION_IMPORT, actor_username="import")
    head = audit_chain_extend()
    assert head is not None and head.linked == 1
    assert list(AuditChainLink.objects.order_by("sequence").values_list("event_id", flat=True)) == [
        early.pk,
        later.pk,
        late.pk,
    ]
    assert verify() == (True, [f"Händelseloggen stämmer: 3 länkar kontrollerade, huvud {head.sequence}:{head.mac}."])


@pytest.mark.django_db(transaction=True)
def test_an_import_still_open_during_a_seal_is_linked_by_the_next_run_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only: two connections writing at once (SQLite has one writer at a time).")
    settings_dict = connection.settings_dict
    importer = psycopg.connect(
        dbname=settings_dict["NAME"], host=settings_dict["HOST"], port=settings_dict["PORT"], user=settings_dict["USER"]
    )
    try:
        pending = AuditEvent(
            action=AuditAction.DECISION_IMPORT, actor_username="import", object_id="R-1", channel="cli"
        )
        pending.digest = pending.compute_digest(key=_active_key())
        with importer.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, object_id, "
                "person_code, municipality_slug, channel, details, digest) "
                "VALUES (%s, %s, %s, '', %s, '', '', 'cli', '{}', %s) RETURNING id",
                [pending.occurred_at, pending.actor_username, pending.action, pending.object_id, pending.digest],
            )
            (pending_id,) = cursor.fetchone()
        page_view = view()
        assert page_view.pk > pending_id
        first = audit_chain_extend()
        assert first is not None and first.linked == 1
        importer.commit()
        second = audit_chain_extend()
        assert second is not None and second.linked == 1
        assert list(AuditChainLink.objects.values_list("event_id", flat=True)) == [page_view.pk, pending_id]
        assert verify()[0]
    finally:
        importer.close()


@pytest.mark.django_db(transaction=True)
def test_sealers_running_at_once_build_one_unbroken_chain_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only: the advisory lock serialises sealers; SQLite has one writer at a time.")
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(15):
                view(code=f"W{worker}-{i}")
                audit_chain_extend()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    audit_chain_extend()
    assert list(AuditChainLink.objects.values_list("sequence", flat=True)) == list(range(1, 61))
    result = audit_chain_verify()
    assert result.findings == [] and result.links == 60


def test_verify_names_an_altered_event_as_the_first_problem(db):
    events = [view(code=f"ALI-{i}") for i in range(5)]
    audit_chain_extend()
    with past_the_triggers() as cursor:
        cursor.execute("UPDATE audit_auditevent SET person_code = 'LER-000000' WHERE id = %s", [events[1].pk])
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'någon.annan' WHERE id = %s", [events[3].pk])
    ok, lines = verify()
    assert not ok
    assert lines == [
        f"{describe(events[1])} är ändrad.",
        f"{describe(AuditEvent.objects.get(pk=events[3].pk))} är ändrad.",
    ]


def test_verify_names_an_event_that_was_altered_along_with_its_digest(db):
    event = view()
    audit_chain_extend()
    with past_the_triggers() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET object_id = 'x', digest = %s WHERE id = %s",
            [f"{'0' * 8}:{'a' * 64}", event.pk],
        )
    ok, lines = verify()
    assert not ok and lines == [f"{describe(event)} är ändrad."]


def test_verify_names_a_removed_event(db):
    events = [view(code=f"ALI-{i}") for i in range(3)]
    audit_chain_extend()
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    ok, lines = verify()
    assert not ok
    assert lines == [f"Händelse {events[1].pk} är borttagen: länk 2 finns kvar men inte händelsen."]


def test_verify_names_an_altered_link_and_a_removed_link(db):
    for i in range(6):
        view(code=f"ALI-{i}")
    audit_chain_extend()
    third = AuditChainLink.objects.get(sequence=3)
    with past_the_triggers() as cursor:
        cursor.execute("UPDATE audit_auditchainlink SET mac = %s WHERE sequence = 3", ["f" * 64])
        cursor.execute("DELETE FROM audit_auditchainlink WHERE sequence = 5")
    ok, lines = verify()
    assert not ok
    # The event whose link was removed is linked again at the end; the gap stays.
    assert lines == [
        f"Länk 3 (händelse {third.event_id}) är ändrad: kedjan är bruten där.",
        "Länk 5 saknas: kedjan är bruten före länk 6.",
    ]


def test_verify_names_rows_written_past_the_application(db):
    view()
    audit_chain_extend()
    with connection.cursor() as cursor:
        # An INSERT needs no bypass: the application's database role may insert, but not make a digest.
        for digest in (f"{key_id(_active_key())}:{'b' * 64}", ""):
            cursor.execute(
                "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, object_id, "
                "person_code, municipality_slug, channel, details, digest) "
                "VALUES (%s, 'forged', 'login.success', '', '', '', '', 'web', '{}', %s)",
                [timezone.now(), digest],
            )
    forged = list(AuditEvent.objects.filter(actor_username="forged").order_by("pk"))
    ok, lines = verify()
    assert not ok
    assert lines == [
        f"{describe(forged[0])} är ändrad.",
        f"{describe(forged[1])} saknar kontrollsumma: den är skriven förbi programmet.",
    ]


def test_verify_names_an_old_event_without_link(db):
    view()
    audit_chain_extend()
    # A row dated two days back, past the sealer's reach (one day before the newest linked row).
    backdated = AuditEvent.objects.create(
        occurred_at=timezone.now() - datetime.timedelta(days=2), action=AuditAction.LOGIN_SUCCESS, actor_username="b"
    )
    ok, lines = verify()
    assert not ok
    assert lines == [f"{describe(backdated)} saknar länk i kedjan fast den är äldre än 5 minuter."]
    assert not AuditChainLink.objects.filter(event_id=backdated.pk).exists()


def test_verify_finds_a_removed_tail_only_through_a_head_recorded_earlier(db):
    view(code="ALI-1")
    audit_chain_extend()
    events = [view(code=f"ALI-{i}") for i in range(2, 4)]
    head = seal().removeprefix("Kedjans huvud: ").partition(" ")[0]
    assert head.startswith("3:")
    assert verify("--head", head)[0]
    assert verify("--head", head.partition(":")[2])[0]
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditchainlink WHERE sequence > 1")
        cursor.execute("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [e.pk for e in events])
    # What is left is a consistent chain; only the head recorded outside the database tells.
    assert verify()[0]
    ok, lines = verify("--head", head)
    assert not ok
    assert lines == [
        f"Huvudet {head} finns inte i kedjan: länkar har tagits bort eller skrivits om sedan det sparades."
    ]


def test_verify_refuses_a_malformed_head(db):
    with pytest.raises(CommandError, match="inget huvud"):
        call_command("audit", "verify", "--head", "tre:abc", stdout=io.StringIO())


def test_a_rotated_key_keeps_old_rows_and_links_verifiable(db, settings):
    old = settings.INSYN_AUDIT_KEY
    view(code="ALI-1")
    audit_chain_extend()
    settings.INSYN_AUDIT_KEY, settings.INSYN_AUDIT_RETIRED_KEYS = new_key(), [old]
    view(code="ALI-2")
    audit_chain_extend()
    assert list(AuditChainLink.objects.values_list("key_id", flat=True)) == [
        key_id(old),
        key_id(settings.INSYN_AUDIT_KEY),
    ]
    assert verify()[0]
    settings.INSYN_AUDIT_RETIRED_KEYS = []
    ok, lines = verify()
    assert not ok
    assert lines == [
        f"Nyckeln ”{key_id(old)}” är inte inställd (INSYN_AUDIT_KEY eller INSYN_AUDIT_RETIRED_KEYS): "
        "länk 1 och allt annat som är gjort med den kan inte kontrolleras."
    ]


def test_rows_from_before_digests_are_linked_by_the_first_seal_and_only_by_it(db):
    with connection.cursor() as cursor:
        for name in ("gammal.1", "gammal.2"):
            cursor.execute(
                "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, object_id, "
                "person_code, municipality_slug, channel, details, digest) "
                "VALUES (%s, %s, 'login.success', '', '', '', '', 'web', '{}', '')",
                [timezone.now() - datetime.timedelta(days=30), name],
            )
    view()
    head = audit_chain_extend()
    assert head is not None and head.linked == 3
    assert verify()[0]
    old = AuditEvent.objects.get(actor_username="gammal.1")
    with past_the_triggers() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", [old.pk])
    ok, lines = verify()
    assert not ok and lines == [f"{describe(old)} är ändrad."]


def test_the_audit_key_is_never_stored_in_the_database(db):
    # That production refuses to start without it: tests/test_deployment.py.
    view()
    audit_chain_extend()
    key_texts = {encode_key(_active_key()), _active_key().hex()}
    with connection.cursor() as cursor:
        for table in ("audit_auditevent", "audit_auditchainlink"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            for row in cursor.fetchall():
                assert not any(text in str(value) for value in row for text in key_texts)


def test_a_development_key_file_without_an_audit_key_gets_one_and_keeps_it(tmp_path):
    import json
    import os
    import subprocess
    import sys

    # var/keys.json as developers' machines have it from before the audit key.
    keys_file = tmp_path / "keys.json"
    before = {"active_key_id": "dev1", "keys": {"dev1": encode_key(new_key())}, "lookup_key": encode_key(new_key())}
    keys_file.write_text(json.dumps(before))
    keys_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSYN_") and k != "DATABASE_URL"}
    env.update(INSYN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="insyn.settings")
    show = "from django.conf import settings; print(settings.INSYN_AUDIT_KEY.hex())"
    runs = [
        subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {show}"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()
        for _ in range(2)
    ]
    after = json.loads(keys_file.read_text())
    assert {k: v for k, v in after.items() if k != "audit_key"} == before
    assert runs[0] == runs[1] == base64.urlsafe_b64decode(after["audit_key"]).hex()
    assert keys_file.stat().st_mode & 0o777 == 0o600
