"""Prometheus metrics this process counts itself: request times and failed logins.

Gauges that live in the database (the job queue) are read at scrape time by the metrics view
(apps/home/metrics_views.py), which may import the job app; this module may not.

Under gunicorn with several workers each process counts its own; with PROMETHEUS_MULTIPROC_DIR
set (insyn/gunicorn.conf.py) prometheus_client writes them to files there and a scrape adds them up,
whichever worker answers it (docs/operations.md, "Metrics")."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import REGISTRY, Collector

# Up to uploads of the size INSYN_UPLOAD_MAX_MB allows on a slow line.
_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

REQUEST_SECONDS = Histogram(
    "insyn_http_request_duration_seconds",
    "Time to answer a request, by view name (not path, to keep the series few) and status class.",
    ["view", "status"],
    buckets=_BUCKETS,
)
LOGIN_FAILURES = Counter("insyn_login_failures", "Failed logins (wrong user name or password, or locked out).")


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def observe_request(*, view: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(view=view, status=status_class(status)).observe(seconds)


def count_login_failure(**_signal: Any) -> None:
    LOGIN_FAILURES.inc()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(*collectors: Collector) -> bytes:
    """The text format for one scrape: this process's metrics, or every worker's in multiprocess
    mode, plus the collectors given (read now, e.g. from the database)."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


class _ProcessMetrics(Collector):
    """The default registry's metrics (ours and the process's) inside a per-scrape registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()
