"""Shared plumbing for the benchmarks: a scratch PostgreSQL database, the `insyn` command run as a
child process with its wall time and peak memory, and the results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSYN = str(ROOT / ".venv" / "bin" / "insyn")
PG_SERVER = os.environ.get("INSYN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
WORK = Path(os.environ.get("INSYN_BENCH_DIR", str(ROOT / "var" / "bench")))
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    stdout: str


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", f"{PG_SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def fresh_database(name: str) -> str:
    """Drop and create `name`; returns its DATABASE_URL."""
    psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def insyn(*args: str, database_url: str, check: bool = True) -> Run:
    """Run `insyn ARGS` against `database_url`, measuring wall time and the child's peak RSS."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INSYN_")},
        "DATABASE_URL": database_url,
        "INSYN_VAR_DIR": str(WORK / "var"),
        "INSYN_LOG_LEVEL": "WARNING",
    }
    WORK.mkdir(parents=True, exist_ok=True)
    out_path, err_path = WORK / "stdout.txt", WORK / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen([INSYN, *args], env=env, stdout=out, stderr=err)
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would give the largest so far).
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if check and process.returncode != 0:
        sys.stderr.write(err_path.read_text()[-5000:])
        raise SystemExit(f"insyn {' '.join(args)} failed with {process.returncode}")
    return Run(seconds=seconds, peak_rss_mb=usage.ru_maxrss / 1024, stdout=out_path.read_text())


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "postgresql": psql("postgres", "SHOW server_version"),
        "date": time.strftime("%Y-%m-%d"),
    }


def save(name: str, data: dict[str, object]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps({"machine": machine(), **data}, indent=2, ensure_ascii=False))


def timed(function: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    """Median wall time in milliseconds over `runs` runs after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result
