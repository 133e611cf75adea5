"""The API's view of a job: `GET /api/v1/jobs/<id>/` to the user who started it, 404 to anyone else."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.access import current_user

from .models import Job
from .selectors import get_job_for_user

JOB_STATE_SCHEMA = inline_serializer(
    "JobState",
    {
        "state": serializers.ChoiceField(choices=["queued", "running", "done", "failed"]),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "result": serializers.JSONField(allow_null=True),
        "error": serializers.CharField(allow_null=True, help_text=_("Felet på svenska när jobbet misslyckades")),
    },
)
JOB_STARTED_SCHEMA = inline_serializer(
    "JobStarted", {"job": serializers.URLField(help_text=_("Adressen där jobbets läge kan läsas"))}
)


def job_body(job: Job) -> dict[str, Any]:
    return {
        "state": job.state,
        "progress": job.progress,
        "result": job.result if job.state == "done" else (job.result or None),
        "error": job.error or None,
    }


def job_started(request: Request, job: Job) -> Response:
    """The answer to a request that started a job: 202 and where to follow it."""
    from django.urls import reverse

    url = request.build_absolute_uri(reverse("api:job", kwargs={"job_id": job.pk}))
    return Response({"job": url}, status=202, headers={"Location": url})


class JobDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=JOB_STATE_SCHEMA, summary=_("Ett bakgrundsjobbs läge"))
    def get(self, request: Request, job_id: int) -> Response:
        return Response(job_body(get_job_for_user(current_user(request), job_id)))
