"""A `kill -9` of an import halfway through leaves the database exactly as it was: the import
writes in batches inside one transaction, and a killed process never commits it."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from bench.import_bench import write_register

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def _env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSYN_") and k != "DJANGO_SETTINGS_MODULE"}
    return {**env, "DATABASE_URL": database_url, "INSYN_VAR_DIR": str(var_dir), "INSYN_LOG_LEVEL": "WARNING"}


def _insyn(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "insyn.cli", *args], env=env, check=True, capture_output=True, timeout=300)


def _counts(query) -> tuple[int, ...]:
    return tuple(
        query(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        for table in ("decisions_decision", "decisions_decisionevent", "people_person", "audit_auditevent")
    )


@pytest.fixture
def scratch(tmp_path):
    """A database of its own, on the same engine as the suite, that a child process can reach."""
    if connection.vendor == "postgresql":
        name = f"insyn_crash_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def query(sql: str) -> int:
            with psycopg.connect(f"{PG_SERVER}/{name}") as conn:
                return conn.execute(sql).fetchone()[0]

        def writing() -> bool:
            with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL "
                    "AND backend_xid IS NOT NULL",
                    [name],
                ).fetchone()
                return bool(row and row[0])

        yield f"{PG_SERVER}/{name}", query, writing
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "crash.sqlite3"

        def query(sql: str) -> int:
            with sqlite3.connect(path) as conn:
                return conn.execute(sql).fetchone()[0]

        def writing() -> bool:
            # SQLite's rollback journal exists while a write transaction is open.
            return (tmp_path / "crash.sqlite3-journal").exists()

        yield f"sqlite:///{path}", query, writing


def test_a_killed_import_leaves_the_database_exactly_as_before(scratch, tmp_path):
    database_url, query, writing = scratch
    env = _env(database_url, tmp_path / "var")
    _insyn("migrate", "--noinput", env=env)
    _insyn("org", "load", "insjoriket", env=env)
    small = tmp_path / "small.csv"
    write_register(small, 50, seed=3)
    _insyn("decisions", "import", "--municipality", "lerum", str(small), env=env)
    before = _counts(query)
    assert before[0] == 50

    register = tmp_path / "register.csv"
    write_register(register, 30_000, seed=4)
    child = subprocess.Popen(
        [sys.executable, "-m", "insyn.cli", "decisions", "import", "--municipality", "alingsas", str(register)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not writing():
        assert child.poll() is None, "the import ended before it was caught writing"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # well into the batches
    assert child.poll() is None
    child.send_signal(signal.SIGKILL)
    child.wait()

    assert _counts(query) == before
    # The database is usable afterwards: the same import, run again to the end, succeeds.
    _insyn("decisions", "import", "--municipality", "alingsas", str(register), env=env)
    assert _counts(query)[0] == 50 + 30_000
