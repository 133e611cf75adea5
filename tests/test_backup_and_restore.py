"""`insyn backup` and `insyn restore` round-trip a full demo database, every row of every table
and the audit log intact, its hash chain too, on whichever database the suite runs on."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.audit.models import AuditAction, AuditEvent
from apps.people.models import Person
from tests.test_audit_chain import describe, past_the_triggers, seal, verify, view


def _every_row() -> dict[str, list[tuple]]:
    """Each table's rows in primary-key order, as the database returns them."""
    contents: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            # Unmanaged models have no table (django-rq's dashboard entry).
            if table in contents or not model._meta.managed:
                continue
            order = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")  # noqa: S608
            contents[table] = [tuple(row) for row in cursor.fetchall()]
    return contents


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_row_and_the_audit_log_as_it_was(reference_data, settings, tmp_path: Path):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    backup = tmp_path / "insyn.backup"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert "Säkerhetskopia skriven" in out.getvalue()
    before = _every_row()
    assert len(before["audit_auditevent"]) > 1000 and len(before["people_person"]) >= 100
    assert AuditEvent.objects.filter(action=AuditAction.BACKUP_CREATE).count() == 1

    # What happens after the backup is lost by the restore: a changed name, a new log row.
    person = Person.objects.order_by("pk").first()
    Person.objects.filter(pk=person.pk).update(first_name="Ändrad")
    AuditEvent.objects.create(actor_username="efter", action=AuditAction.LOGIN_SUCCESS)

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup), stdout=io.StringIO())
    call_command("restore", str(backup), "--yes", stdout=io.StringIO())

    after = _every_row()
    restore_rows = [row for row in after["audit_auditevent"] if AuditAction.BACKUP_RESTORE.value in row]
    assert len(restore_rows) == 1
    after["audit_auditevent"] = [row for row in after["audit_auditevent"] if row not in restore_rows]
    assert after == before
    assert Person.objects.get(pk=person.pk).first_name == person.first_name


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path: Path):
    AuditEvent.objects.create(actor_username="kvar", action=AuditAction.LOGIN_SUCCESS)
    garbage = tmp_path / "inte-en-kopia.dump"
    garbage.write_bytes(b"hello, world" * 100)
    with pytest.raises(CommandError, match="ingen säkerhetskopia"):
        call_command("restore", str(garbage), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="finns inte"):
        call_command("restore", str(tmp_path / "saknas.dump"), "--yes", stdout=io.StringIO())
    assert AuditEvent.objects.filter(actor_username="kvar").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_backup_never_leaves_a_file_that_looks_complete(tmp_path: Path, monkeypatch):
    from apps.core import backup as backup_module

    def fail(*args, **kwargs):
        raise backup_module.BackupFailed("avbruten")

    monkeypatch.setattr(backup_module, "_run", fail)
    monkeypatch.setattr(backup_module.sqlite3, "connect", fail)
    with pytest.raises(CommandError, match="avbruten"):
        call_command("backup", str(tmp_path / "insyn.backup"), stdout=io.StringIO())
    assert not (tmp_path / "insyn.backup").exists()


def _backup(target: Path) -> str:
    """Back up and return the chain's head in the copy, as the command prints it."""
    out = io.StringIO()
    call_command("backup", str(target), stdout=out)
    return out.getvalue().strip().rpartition("Loggens kedja i kopian: ")[2].removesuffix(".")


@pytest.mark.django_db(transaction=True)
def test_a_sealed_log_backed_up_and_restored_verifies_clean(tmp_path: Path):
    for i in range(5):
        view(code=f"ALI-{i}")
    sealed = seal().removeprefix("Kedjans huvud: ").partition(" ")[0]
    view(code="ALI-5")
    in_backup = _backup(tmp_path / "insyn.backup")
    # The backup sealed first: its own row and the one written since the last seal are linked.
    assert in_backup.startswith("7:")
    # Lost by the restore: a row and its link.
    view(code="ALI-6")
    seal()
    call_command("restore", str(tmp_path / "insyn.backup"), "--yes", stdout=io.StringIO())
    for head in (sealed, in_backup):
        ok, lines = verify("--head", head)
        assert ok, lines
    assert not AuditEvent.objects.filter(person_code="ALI-6").exists()


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_removed_and_an_altered_row_and_a_restore_repairs_them(tmp_path: Path):
    events = [view(code=f"ALI-{i}") for i in range(5)]
    _backup(tmp_path / "insyn.backup")
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'någon.annan' WHERE id = %s", [events[3].pk])
    ok, lines = verify()
    assert not ok
    assert lines == [
        f"Händelse {events[1].pk} är borttagen: länk 2 finns kvar men inte händelsen.",
        f"{describe(AuditEvent.objects.get(pk=events[3].pk))} är ändrad.",
    ]
    call_command("restore", str(tmp_path / "insyn.backup"), "--yes", stdout=io.StringIO())
    ok, lines = verify()
    assert ok, lines
