"""The decisions import through the API as a background job, as production runs it: gunicorn
with threaded workers (docs/operations.md), a job worker (`insyn db_worker`, or `insyn rqworker`
on Redis), and a registrar's API key. Measures the time to the 202 answer, the job's wall time and
the progress the job reported while it ran, then checks that every row is in the register.

    .venv/bin/python bench/import_as_job.py [--rows 400000] [--backend database|rq]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, WORK, fresh_database, save
from bench.import_bench import write_register

PYTHON = sys.executable
BIN = Path(PYTHON).parent
PASSWORD = "ett-langt-losenord-2026"  # noqa: S105 - a scratch user of the benchmark


def _env(database_url: str, var_dir: Path, backend: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSYN_") and k != "DJANGO_SETTINGS_MODULE"}
    return {
        **env,
        "DATABASE_URL": database_url,
        "INSYN_VAR_DIR": str(var_dir),
        "INSYN_LOG_LEVEL": "WARNING",
        "INSYN_JOB_BACKEND": backend,
        "INSYN_REDIS_URL": redis_url,
        "INSYN_UPLOAD_MAX_MB": "500",
    }


def _insyn(*args: str, env: dict[str, str], stdin: str | None = None) -> str:
    return subprocess.run(
        [PYTHON, "-m", "insyn.cli", *args], env=env, input=stdin, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _count(database_url: str, sql: str) -> int:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return int(conn.execute(sql).fetchone()[0])
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0


def run(
    *,
    database_url: str,
    var_dir: Path,
    rows: int,
    backend: str = "database",
    redis_url: str = "redis://127.0.0.1:6379/9",
    register: Path | None = None,
    timeout: float = 3600,
) -> dict[str, Any]:
    """Set up a scratch instance on `database_url`, post a register of `rows` rows and follow
    the job to its end. Returns the figures (and the job's last answer)."""
    env = _env(database_url, var_dir, backend, redis_url)
    _insyn("migrate", "--noinput", env=env)
    _insyn("org", "load", "insjoriket", env=env)
    create = ["user", "create", "--username", "bench.reg", "--role", "decisions_registrar", "--password-stdin"]
    _insyn(*create, "--org", "alingsas-socialnamnd", env=env, stdin=PASSWORD + "\n")
    token = _insyn("user", "token", "bench.reg", env=env)
    if register is None:
        register = var_dir / f"register-{rows}.csv"
        if not register.exists():  # the same seed gives the same file: written once
            write_register(register, rows, seed=18)
    port = _free_port()
    listen = ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(
        # The README's command: the configuration file (gthread workers), the address on top.
        [str(BIN / "gunicorn"), "-c", "insyn/gunicorn.conf.py", *listen],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    if backend == "rq":
        worker_cmd = ["rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"]
    else:
        worker_cmd = ["db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
    worker = subprocess.Popen(
        [PYTHON, "-m", "insyn.cli", *worker_cmd], env=env, cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Token {token}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        with register.open("rb") as upload:
            posted = time.perf_counter()
            response = requests.post(
                f"{base}/api/v1/decisions/import/",
                headers=headers,
                data={"municipality": "alingsas"},
                files={"file": ("register.csv", upload, "text/csv")},
                timeout=120,
            )
            answered = time.perf_counter() - posted
        if response.status_code != 202:
            raise SystemExit(f"expected 202, got {response.status_code}: {response.text[:500]}")
        job_url = response.json()["job"]
        updates: list[tuple[float, str, int]] = []
        poll_errors = 0
        body: dict[str, Any] = {"state": "queued", "progress": 0, "error": None, "result": None}
        while True:
            try:
                polled = requests.get(job_url, headers=headers, timeout=30)
            except requests.RequestException:
                polled = None
            if polled is None or polled.status_code != 200:
                # SQLite has one writer: a poll that must write (the API key's use) can wait
                # behind the import's transaction and time out.
                poll_errors += 1
                time.sleep(0.5)
                if time.perf_counter() - posted > timeout:
                    break
                continue
            body = polled.json()
            seen = (round(time.perf_counter() - posted, 2), body["state"], body["progress"])
            if not updates or updates[-1][1:] != seen[1:]:
                updates.append(seen)
            if body["state"] in ("done", "failed") or time.perf_counter() - posted > timeout:
                break
            time.sleep(0.5)
        wall = time.perf_counter() - posted
    finally:
        server.send_signal(signal.SIGTERM)
        os.killpg(worker.pid, signal.SIGTERM)
        server.wait(timeout=60)
        worker.wait(timeout=60)
    stored = _count(database_url, "SELECT count(*) FROM decisions_decision")
    return {
        "rows": rows,
        "backend": backend,
        "answer_202_seconds": round(answered, 3),
        "job_wall_seconds": round(wall, 1),
        "state": body["state"],
        "error": body["error"],
        "stored": stored,
        "progress_updates": updates,
        "poll_errors": poll_errors,
        "result_created": len((body.get("result") or {}).get("created", [])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--backend", choices=["database", "rq"], default="database")
    args = parser.parse_args()
    database_url = fresh_database("insyn_bench_job")
    var_dir = WORK / "job"
    var_dir.mkdir(parents=True, exist_ok=True)
    if args.backend == "rq":
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/9").flushdb()
    figures = run(database_url=database_url, var_dir=var_dir, rows=args.rows, backend=args.backend)
    print(json.dumps({k: v for k, v in figures.items() if k != "progress_updates"}, indent=2))
    print("progress:", " ".join(f"{t}s:{p}%" for t, _s, p in figures["progress_updates"]))
    save(f"import_as_job_{args.backend}", figures)


if __name__ == "__main__":
    main()
