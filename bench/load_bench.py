"""Benchmarks 3 and 4: pages and API under load, then a soak.

gunicorn serves the application with the production settings on the national data set
(PostgreSQL); wrk (Debian package `wrk`) sends requests on loopback from 20 connections that take
turns with 20 logged-in sessions (password and second factor) or 20 API tokens. Each page is
measured on its own, twice: saturated (20 connections without pause: throughput, compared with a
trivial view on the same stack, `/healthz` with one `SELECT 1`, the framework's ceiling) and as 20
users who each click once a second (the response times they see). Then the soak: a steady mix of
the pages for INSYN_BENCH_SOAK_SECONDS (default 600), with every worker's memory read before and after.

    .venv/bin/python bench/load_bench.py [--scale 1.0] [--seconds 10] [--soak-seconds 600]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG_SERVER, ROOT, WORK, save
from bench.generate import ensure

DATABASE = "insyn_bench"
PORT = 8765
WORKERS = 4
THREADS = 8
CONNECTIONS = 20
THINK_MS = 1000
QUIET_SECONDS = 4
HOST = "insyn.bench.local"

LUA = r"""
local paths, credentials, i = {}, {}, 0
for p in string.gmatch(os.getenv("BENCH_PATHS"), "[^ ]+") do table.insert(paths, p) end
for c in string.gmatch(os.getenv("BENCH_CREDENTIALS"), "[^|]+") do table.insert(credentials, c) end
local header = os.getenv("BENCH_HEADER")
local think = tonumber(os.getenv("BENCH_THINK_MS"))
if think > 0 then
  -- Each connection is a user who reads for a moment before the next click (spread, so the 20
  -- users do not click in step).
  delay = function() return math.random(math.floor(think / 2), math.floor(think * 3 / 2)) end
end
request = function()
  i = i + 1
  local h = {["Host"] = os.getenv("BENCH_HOST"), ["X-Forwarded-Proto"] = "https"}
  h[header] = credentials[(i % #credentials) + 1]
  return wrk.format("GET", paths[(i % #paths) + 1], h)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def production_env(database_url: str) -> dict[str, str]:
    """The production settings, with the development keyring the data set was encrypted with."""
    keys = json.loads((WORK / "var" / "keys.json").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSYN_") and k != "DATABASE_URL"}
    env.update(
        INSYN_ENV="production",
        INSYN_SECRET_KEY="bench-" + "s" * 60,
        INSYN_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        INSYN_VAR_DIR=str(WORK / "var"),
        INSYN_ENCRYPTION_KEYS=",".join(f"{k}:{v}" for k, v in keys["keys"].items()),
        INSYN_ACTIVE_KEY_ID=keys["active_key_id"],
        INSYN_LOOKUP_KEY=keys["lookup_key"],
        INSYN_AUDIT_KEY=keys["audit_key"],
        # No mail server to ask: /healthz reports mail "av" rather than failing.
        INSYN_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        INSYN_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="insyn.settings",
    )
    return env


def wrk(
    paths: list[str], credentials: list[str], header: str, seconds: int, connections: int, think_ms: int = 0
) -> dict[str, Any]:
    # The workers finish what the previous run queued even after its connections closed: wait.
    time.sleep(QUIET_SECONDS)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    env = {
        **os.environ,
        "BENCH_PATHS": " ".join(paths),
        "BENCH_CREDENTIALS": "|".join(credentials),
        "BENCH_HEADER": header,
        "BENCH_HOST": HOST,
        "BENCH_THINK_MS": str(think_ms),
    }
    result = subprocess.run(
        # wrk gives up on a response after 2 s by default and counts it as an error; a slow answer is
        # a latency to report, so only a server's error, a failed connection or 30 s without an answer count.
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    lines = result.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"wrk gave no figures: {result.stdout[-500:]} {result.stderr[-500:]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["per_second"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def check_answers(paths: list[str], header: str, credential: str) -> None:
    """Every measured URL answers 200 for the logged-in user: a redirect to the login page would
    otherwise pass for a fast page."""
    for path in paths:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}", headers={"Host": HOST, "X-Forwarded-Proto": "https", header: credential}
        )
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(request, timeout=60) as response:
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def worker_memory_mb(master: int) -> dict[int, float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    memory = {}
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                memory[int(pid)] = int(line.split()[1]) / 1024
    return memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("INSYN_BENCH_SCALE", "1.0")))
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument(
        "--seconds", type=int, default=10, help="per saturated run; the users' runs take four times as long"
    )
    parser.add_argument("--soak-seconds", type=int, default=int(os.environ.get("INSYN_BENCH_SOAK_SECONDS", "600")))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    ensure(scale=args.scale, seed=2026, database=args.database)
    env = production_env(f"{PG_SERVER}/{args.database}")
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "-m", "insyn.cli", "collectstatic", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    setup = json.loads(
        subprocess.run(
            [python, str(ROOT / "bench" / "load_setup.py")], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    cookies = [f"sessionid={key}" for key in setup["sessions"]]
    tokens = [f"Token {token}" for token in setup["tokens"]]
    pages = {
        "participant list": ("/deltagare/", "Cookie", cookies),
        "participant page": (f"/deltagare/{setup['participant']}/", "Cookie", cookies),
        "decision list": ("/beslut/", "Cookie", cookies),
        "report page": (
            f"/beslut/rapporter/{setup['report']}/",
            "Cookie",
            [f"sessionid={key}" for key in setup["report_sessions"]],
        ),
        "user list": ("/konto/anvandare/", "Cookie", [f"sessionid={key}" for key in setup["admin_sessions"]]),
        "user page": (
            f"/konto/anvandare/{setup['caseworker']}/",
            "Cookie",
            [f"sessionid={key}" for key in setup["admin_sessions"]],
        ),
        "job page": (f"/jobb/{setup['job']}/", "Cookie", cookies),
        "API decisions": ("/api/v1/decisions/", "Authorization", tokens),
        "API participants": ("/api/v1/participants/", "Authorization", tokens),
        "API people": ("/api/v1/people/", "Authorization", tokens),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "insyn.wsgi",
            "-w",
            str(WORKERS),
            # Threads, as docs/operations.md recommends: a sync worker blocks on a connection whose
            # client has not sent its request yet, which a buffering proxy would otherwise absorb.
            "-k",
            "gthread",
            "--threads",
            str(THREADS),
            "-b",
            f"127.0.0.1:{PORT}",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{PORT}/healthz", headers={"Host": HOST}), timeout=2
                )
                break
            except OSError:
                time.sleep(0.5)
        for path, header, credentials in pages.values():
            check_answers([path], header, credentials[0])
        results: dict[str, Any] = {
            "scale": args.scale,
            "workers": WORKERS,
            "threads": THREADS,
            "connections": CONNECTIONS,
            "seconds_each": args.seconds,
            "municipality": setup["municipality"],
            "report_rows": setup["rows"],
        }
        ceiling = wrk(["/healthz"], cookies, "Cookie", args.seconds, CONNECTIONS)
        results["trivial view (ceiling)"] = ceiling
        print(f"{'trivial view (ceiling)':22} {ceiling}", flush=True)
        for name, (path, header, credentials) in pages.items():
            # Saturated: 20 connections without pause, for the throughput against the ceiling.
            figures = wrk([path], credentials, header, args.seconds, CONNECTIONS)
            figures["share_of_ceiling"] = round(figures["per_second"] / ceiling["per_second"], 3)
            # 20 users who each click once a second: the response times a user sees.
            # Longer: all 20 users click at once when the run starts; that burst must not be the 95th percentile.
            users = wrk([path], credentials, header, args.seconds * 4, CONNECTIONS, think_ms=THINK_MS)
            figures["users"] = {k: users[k] for k in ("per_second", "p50_ms", "p95_ms", "p99_ms", "errors")}
            results[name] = figures
            save("load", results)  # page by page, so a failure later keeps what was measured
            print(f"{name:22} {figures}", flush=True)
        if args.soak_seconds:
            results["soak"] = soak(server.pid, pages, args.soak_seconds)
            print(f"{'soak':22} {results['soak']}", flush=True)
        save("load", results)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def soak(master: int, pages: dict[str, tuple[str, str, list[str]]], seconds: int) -> dict[str, Any]:
    """A steady mix of the caseworker's pages; memory per worker after a warm-up minute and at the end."""
    cookies = pages["participant list"][2]
    paths = [path for path, _header, credentials in pages.values() if credentials is cookies]
    warm = min(60, max(5, seconds // 10))
    wrk(paths, cookies, "Cookie", warm, 10)
    before = worker_memory_mb(master)
    figures = wrk(paths, cookies, "Cookie", seconds, 10)
    after = worker_memory_mb(master)
    growth = {pid: round((after[pid] - before[pid]) / before[pid] * 100, 1) for pid in before if pid in after}
    return {
        **figures,
        "workers_restarted": len(set(before) ^ set(after)),
        "rss_before_mb": [round(v) for v in before.values()],
        "rss_after_mb": [round(v) for v in after.values()],
        "max_growth_percent": max(growth.values(), default=0.0),
    }


if __name__ == "__main__":
    main()
