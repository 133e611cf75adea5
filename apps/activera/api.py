from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.api import PAGE_PARAMETERS, page_of, results_schema

from .models import Enrolment
from .selectors import enrolments_for_user, get_enrolment_for_user, progression
from .services import municipality_of_unit


class ParticipantSerializer(serializers.Serializer[Enrolment]):
    code = serializers.CharField()
    municipality = serializers.SerializerMethodField()
    gender = serializers.CharField()
    birth_year = serializers.IntegerField()
    referring_party = serializers.CharField()
    start_date = serializers.DateField()
    planned_end_date = serializers.DateField()
    exit_date = serializers.DateField(allow_null=True)
    exit_reason = serializers.CharField()
    occupation_after = serializers.CharField()

    def get_municipality(self, enrolment: Enrolment) -> str:
        return municipality_of_unit(enrolment.programme_unit).slug


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class ParticipantListApi(APIView):
    @extend_schema(
        operation_id="participants_list",
        responses=results_schema("ParticipantList", ParticipantSerializer),
        parameters=PAGE_PARAMETERS,
        summary="Deltagare hos dina utförare (koder, inga namn)",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not has_permission(user, Permission.PARTICIPANT_MANAGE):
            raise PermissionDenied
        enrolments, next_page = page_of(request, enrolments_for_user(user))
        for slug in {municipality_of_unit(e.programme_unit).slug for e in enrolments}:
            audit_record(
                actor=user,
                action=AuditAction.PARTICIPANT_LIST,
                request=request._request,
                object_type="enrolment",
                municipality_slug=slug,
                details={"codes": [e.code for e in enrolments if municipality_of_unit(e.programme_unit).slug == slug]},
            )
        return Response({"results": ParticipantSerializer(enrolments, many=True).data, "next": next_page})  # type: ignore[arg-type]


class ParticipantDetailApi(APIView):
    @extend_schema(
        summary="En deltagare med mätningar",
        responses=inline_serializer(
            "ParticipantDetail",
            {
                "participant": ParticipantSerializer(),
                "measurements": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request, participant_code: str) -> Response:
        user = _user(request)
        enrolment = get_enrolment_for_user(user, participant_code)
        audit_record(
            actor=user,
            action=AuditAction.PARTICIPANT_VIEW,
            request=request._request,
            object_type="enrolment",
            object_id=enrolment.code,
            person_code=enrolment.code,
            municipality_slug=municipality_of_unit(enrolment.programme_unit).slug,
        )
        measurements, rows = progression(enrolment)
        data: list[dict[str, Any]] = [
            {
                "date": m.date.isoformat(),
                "kind": m.kind,
                "answers": {row.indicator.code: row.values[index] for row in rows},
            }
            for index, m in enumerate(measurements)
        ]
        return Response({"participant": ParticipantSerializer(enrolment).data, "measurements": data})
