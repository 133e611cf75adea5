from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.access import current_user
from apps.accounts.api_access import RequiresPermission, api_audit_context
from apps.accounts.roles import Permission
from apps.core.api import PAGE_PARAMETERS, page_of, results_schema
from apps.jobs.api import JOB_STARTED_SCHEMA, job_started
from apps.jobs.models import JobKind
from apps.jobs.services import job_start
from insyn.errors import FieldProblems

from .deliveries import delivery_submit, narrative_save, parse_period, validate_period
from .models import Delivery, Enrolment
from .presentation import cells_of
from .releases import released_period
from .selectors import enrolments_for_user, forbund_programmes, get_enrolment_for_user, progression, units_for_user
from .services import enrolment_list_record, enrolment_view_record, municipality_of_unit


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


class ParticipantListApi(APIView):
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.PARTICIPANT_MANAGE

    @extend_schema(
        operation_id="participants_list",
        responses=results_schema("ParticipantList", ParticipantSerializer),
        parameters=PAGE_PARAMETERS,
        summary=gettext_lazy("Deltagare hos dina utförare (koder, inga namn)"),
    )
    def get(self, request: Request) -> Response:
        user = current_user(request)
        enrolments, next_page = page_of(request, enrolments_for_user(user))
        enrolment_list_record(actor=user, enrolments=enrolments, context=api_audit_context(request))
        return Response({"results": ParticipantSerializer(enrolments, many=True).data, "next": next_page})  # type: ignore[arg-type]


class ParticipantDetailApi(APIView):
    @extend_schema(
        summary=gettext_lazy("En deltagare med mätningar"),
        responses=inline_serializer(
            "ParticipantDetail",
            {
                "participant": ParticipantSerializer(),
                "measurements": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request, participant_code: str) -> Response:
        user = current_user(request)
        enrolment = get_enrolment_for_user(user, participant_code)
        enrolment_view_record(actor=user, enrolment=enrolment, context=api_audit_context(request))
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


# --- Deliveries and the förbund's statistics --------------------------------------------------


class StatisticsCellSerializer(serializers.Serializer[dict[str, Any]]):
    table = serializers.CharField()
    row = serializers.CharField()
    column = serializers.CharField()
    unit = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("Utförarens kortnamn; null för förbundets summa.")
    )
    value = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy("Heltal, utom progressionens medelförändring och andel; null där det döljs."),
    )


class ForbundStatisticsApi(APIView):
    @extend_schema(
        operation_id="forbund_statistics",
        summary=gettext_lazy("Förbundets statistik för en period: exakt det som förbundets sidor och filer visar"),
        parameters=[
            OpenApiParameter("kind", str, required=True, enum=["monthly", "tertial", "interim", "annual"]),
            OpenApiParameter("year", int, required=True),
            OpenApiParameter(
                "period", int, description=gettext_lazy("Månad 1–12 eller tertial 1–3; utelämnas för del- och helår")
            ),
        ],
        responses=inline_serializer(
            "ForbundStatistics",
            {
                "kind": serializers.CharField(),
                "year": serializers.IntegerField(),
                "period": serializers.IntegerField(),
                "sum_units": serializers.ListField(child=serializers.CharField()),
                "cells": StatisticsCellSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        programmes = forbund_programmes(current_user(request))
        if not programmes:
            raise PermissionDenied
        kind, year, period = parse_period(
            request.query_params.get("kind"), request.query_params.get("year"), request.query_params.get("period")
        )
        executors, total = released_period(programmes[0], kind, year, period)
        cells: list[dict[str, Any]] = []
        for unit, delivery in executors:
            if delivery is not None:
                cells += [{**cell, "unit": unit.unit.slug} for cell in cells_of(delivery.content)]
        if total is not None:
            cells += [{**cell, "unit": None} for cell in cells_of(total.content)]
        return Response(
            {
                "kind": kind,
                "year": year,
                "period": period,
                "sum_units": total.content.get("units", []) if total else [],
                "cells": cells,
            }
        )


class DeliverySerializer(serializers.Serializer[Delivery]):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="programme_unit.unit.slug")
    kind = serializers.CharField()
    year = serializers.IntegerField()
    period = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("När förbundet kunde se den; null: inte än.")
    )


class DeliveryInputSerializer(serializers.Serializer[dict[str, Any]]):
    unit = serializers.CharField(help_text=gettext_lazy("Utförarens kortnamn, t.ex. alingsas-activera"))
    kind = serializers.ChoiceField(choices=["monthly", "tertial", "interim", "annual"])
    year = serializers.IntegerField(min_value=2004, max_value=2100)
    period = serializers.IntegerField(min_value=0, max_value=12, required=False, default=0)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    names_confirmed = serializers.BooleanField(required=False, default=False)
    submit = serializers.BooleanField(required=False, default=True)


class DeliveryCreateApi(APIView):
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.PARTICIPANT_MANAGE

    @extend_schema(
        operation_id="deliveries_create",
        summary=gettext_lazy("Lämna in en leverans till förbundet (eller spara verksamhetsberättelsen)"),
        request=DeliveryInputSerializer,
        responses={
            201: DeliverySerializer,
            200: inline_serializer("NarrativeSaved", {"narrative": serializers.CharField()}),
        },
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        payload = DeliveryInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        unit = get_object_or_404(units_for_user(user), unit__slug=data["unit"])
        validate_period(data["kind"], data["year"], data["period"])
        if not data["submit"]:
            narrative = narrative_save(
                actor=user,
                unit=unit,
                kind=data["kind"],
                year=data["year"],
                text=data.get("narrative", ""),
                names_confirmed=data["names_confirmed"],
                context=api_audit_context(request),
            )
            return Response({"narrative": narrative.text})
        delivery = delivery_submit(
            actor=user,
            unit=unit,
            kind=data["kind"],
            year=data["year"],
            period=data["period"],
            narrative=data.get("narrative"),
            names_confirmed=data["names_confirmed"],
            context=api_audit_context(request),
        )
        return Response(DeliverySerializer(delivery).data, status=201)


class ParticipantImportApi(APIView):
    """The participant import (all or nothing) as a background job: 202 and the job's address."""

    parser_classes = [MultiPartParser]
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.PARTICIPANT_MANAGE

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ParticipantImport", {"municipality": serializers.SlugField(), "file": serializers.FileField()}
            )
        },
        responses={202: JOB_STARTED_SCHEMA},
        summary=gettext_lazy("Importera deltagare (allt eller inget) som bakgrundsjobb"),
        description=gettext_lazy(
            "Svarar 202 genast med jobbets adress. När jobbet är klart är dess result antalet anvisningar, "
            "inskrivningar och avslut; misslyckas det är error meddelandet och result.fields.file varje fel "
            "med rad, kolumn och orsak."
        ),
    )
    def post(self, request: Request) -> Response:
        from apps.accounts.selectors import municipalities_with

        user = current_user(request)
        slug = str(request.data.get("municipality", ""))
        municipality = next(
            (m for m in municipalities_with(user, Permission.PARTICIPANT_MANAGE) if m.slug == slug), None
        )
        upload = request.FILES.get("file")
        problems = FieldProblems()
        if municipality is None:
            problems.add("municipality", _("Du har ingen behörighet i den kommunen."))
        if upload is None:
            problems.add("file", _("Välj en fil."))
        problems.raise_if_any(_("Importen kunde inte startas."))
        assert municipality is not None and upload is not None
        job = job_start(
            actor=user,
            kind=JobKind.PARTICIPANTS_IMPORT,
            organisation=municipality,
            arguments={"filename": upload.name or ""},
            upload=upload.file,
            context=api_audit_context(request),
        )
        return job_started(request, job)
