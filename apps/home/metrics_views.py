"""/metrics for Prometheus, behind a bearer token of its own (INSYN_METRICS_TOKEN), not a login.

Here rather than in apps.core because the job queue's gauges come from apps.jobs, which the
ground floor may not import. Without a configured token the address answers 404 as if it did not
exist; without the header 401, with a wrong token 403 (docs/operations.md, "Metrics")."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from apps.core.metrics import exposition
from apps.jobs.selectors import job_queue_counts

log = logging.getLogger(__name__)


class JobQueueCollector(Collector):
    """Jobs waiting, running and failed, counted in the database at scrape time: the same figure
    whichever worker is asked, and no counter to keep in step with the job table."""

    def collect(self) -> Iterable[Metric]:
        try:
            counts = job_queue_counts()
        except DatabaseError as exc:
            # The request metrics are still worth having; the health check reports the database.
            log.warning("Job counts for the metrics failed: %s", type(exc).__name__)
            return
        gauge = GaugeMetricFamily("insyn_jobs", "Background jobs by state (queued, running, failed).", labels=["state"])
        for state, count in sorted(counts.items()):
            gauge.add_metric([state], count)
        yield gauge


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    expected: str | None = settings.INSYN_METRICS_TOKEN
    if not expected:
        raise Http404
    given = _bearer(request)
    if given is None:
        response = HttpResponse("Bearer token required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="insyn-metrics"'
        return response
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(JobQueueCollector()), content_type=CONTENT_TYPE_LATEST)
