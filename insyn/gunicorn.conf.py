"""gunicorn's settings for Insyn: `gunicorn -c insyn/gunicorn.conf.py` (docs/operations.md, "Serving").

Threaded workers (gthread): a sync worker answers one request at a time and is killed when one
request takes longer than `timeout` (the 30 s WORKER TIMEOUT and bare 500 a large import met);
a gthread worker's main loop keeps beating while its threads work, so `timeout` only catches a
worker that hangs as a whole, and a slow upload ties up one thread, not the worker.

The times follow the largest upload (INSYN_UPLOAD_MAX_MB) on a slow line (INSYN_SLOW_LINE_MBIT):
a restart waits that long for requests in progress, so an upload under way is not cut off.
Every value can be changed through the environment; gunicorn's own command-line flags still win."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Any

# gunicorn loads this file by path, before the project is on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.env import env_int, env_list, env_str

wsgi_app = "insyn.wsgi:application"
bind = env_list("INSYN_BIND", ["127.0.0.1:8000"])
worker_class = "gthread"
workers = env_int("INSYN_WEB_WORKERS", 2 * (os.cpu_count() or 1))
# workers × threads database connections at most: keep it under PostgreSQL's max_connections.
threads = env_int("INSYN_WEB_THREADS", 8)

_upload_mb = env_int("INSYN_UPLOAD_MAX_MB", 50)
_slow_line_mbit = env_int("INSYN_SLOW_LINE_MBIT", 2)
# 50 MB at 2 Mbit/s: 200 s to arrive, and a minute to check and store it.
UPLOAD_SECONDS = math.ceil(_upload_mb * 8 / max(_slow_line_mbit, 1)) + 60
timeout = env_int("INSYN_WEB_TIMEOUT", 120)
graceful_timeout = env_int("INSYN_WEB_GRACEFUL_TIMEOUT", UPLOAD_SECONDS)
keepalive = env_int("INSYN_WEB_KEEPALIVE", 5)

# The request line and headers only (the body's limit is INSYN_UPLOAD_MAX_MB, checked by the
# application): long enough for a filtered list's query string and a session cookie, short enough
# that a client cannot make a worker hold megabytes of headers.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# A worker is replaced after this many requests (at a random point of the jitter, not all at once),
# so memory a large spreadsheet left fragmented is given back.
max_requests = env_int("INSYN_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# REMOTE_ADDR (the audit log's address) comes from X-Forwarded-For only from these proxies.
forwarded_allow_ips = env_str("INSYN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file on tmpfs: a worker whose disk stalls is not mistaken for a hung one.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - tmpfs, gunicorn's advice

# Django writes one access line per request with its request id (logger insyn.access);
# gunicorn's own would be a second, without it.
accesslog = None
errorlog = "-"
loglevel = env_str("INSYN_LOG_LEVEL", "INFO").lower()
if env_str("INSYN_LOG_FORMAT", "json" if env_str("INSYN_ENV", "development") == "production" else "text") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}},
    }

# Metrics from every worker in one scrape (apps/core/metrics.py): each process writes its counts to
# files here. Set before the workers start, so prometheus_client sees it when they import it.
PROMETHEUS_DIR = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(Path(env_str("INSYN_VAR_DIR", str(Path(__file__).parent.parent / "var"))) / "prometheus"),
    )
)


def on_starting(server: Any) -> None:
    # Counts from an earlier run of the server would be added to this one's.
    PROMETHEUS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in PROMETHEUS_DIR.glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
