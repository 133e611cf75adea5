from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.access import current_user
from apps.accounts.api_access import RequiresPermission, api_audit_context
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.models import AuditAction
from apps.core.api import PAGE_PARAMETERS, page_of, results_schema
from apps.jobs.api import JOB_STARTED_SCHEMA, job_started
from apps.jobs.models import JobKind
from apps.jobs.services import job_start
from apps.organisations.models import Organisation
from apps.people.selectors import search_people
from insyn.errors import ValidationFailed
from lib.quarters import Quarter

from . import exports
from .models import Decision, DecisionType, LegalBasis
from .selectors import decisions_for_user, get_decision_for_user, get_report_for_user, reports_for_user
from .services import (
    decision_create,
    decision_event_add,
    decision_list_record,
    decision_view_record,
    report_access_record,
    report_prepare,
    report_submit,
)


def _municipality(user: User, slug: str, permission: Permission) -> Organisation:
    for municipality in municipalities_with(user, permission):
        if municipality.slug == slug:
            return municipality
    raise ValidationFailed(
        gettext("Okänd kommun."), fields={"municipality": [gettext("Du har ingen behörighet i den kommunen.")]}
    )


class EventSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField()
    date = serializers.DateField()
    missing_part = serializers.CharField(required=False, allow_blank=True, default="")
    end_reason = serializers.CharField(required=False, allow_blank=True, default="")
    end_reason_text = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer[Decision]):
    id = serializers.IntegerField(read_only=True)
    municipality = serializers.CharField(source="municipality.slug")
    reference = serializers.CharField()
    person_code = serializers.CharField(source="person.code")
    decision_date = serializers.DateField()
    decision_type = serializers.CharField(source="decision_type.name")
    legal_basis = serializers.CharField(source="legal_basis.short_label", help_text=_("T.ex. 11 kap. 1 § SoL"))
    caseworker = serializers.CharField(allow_blank=True)
    delay_reason = serializers.CharField(allow_blank=True)
    delay_reason_text = serializers.CharField(allow_blank=True)
    events = EventSerializer(many=True, read_only=True, source="events.all")


class DecisionCreateSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.SlugField()
    reference = serializers.CharField(max_length=60)
    person = serializers.CharField(help_text=_("Personnummer eller kod i kommunens register"))
    decision_date = serializers.DateField()
    decision_type = serializers.CharField(help_text=_("Typ av beslut, t.ex. Kontaktfamilj"))
    legal_basis = serializers.CharField(help_text=_("Lagrummets kod, t.ex. sol2001-4-1"))
    caseworker = serializers.CharField(required=False, allow_blank=True, default="")
    delay_reason = serializers.CharField(required=False, allow_blank=True, default="")
    delay_reason_text = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionListApi(APIView):
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.DECISION_MANAGE

    @extend_schema(
        operation_id="decisions_list",
        responses=results_schema("DecisionList", DecisionSerializer),
        parameters=PAGE_PARAMETERS,
        summary=_("Gynnande beslut i dina kommuner"),
    )
    def get(self, request: Request) -> Response:
        user = current_user(request)
        decisions, next_page = page_of(request, decisions_for_user(user).prefetch_related("events"))
        decision_list_record(actor=user, decisions=decisions, context=api_audit_context(request))
        return Response({"results": DecisionSerializer(decisions, many=True).data, "next": next_page})  # type: ignore[arg-type]

    @extend_schema(
        request=DecisionCreateSerializer, responses={201: DecisionSerializer}, summary=_("Registrera ett beslut")
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        municipality = _municipality(user, data["municipality"], Permission.DECISION_MANAGE)
        person = search_people(user, data["person"]).filter(municipality=municipality).first()
        decision = decision_create(
            actor=user,
            municipality=municipality,
            reference=data["reference"],
            person=person,
            decision_date=data["decision_date"],
            decision_type=DecisionType.objects.filter(name__iexact=data["decision_type"]).first(),
            legal_basis=LegalBasis.objects.filter(code=data["legal_basis"]).first(),
            caseworker=data["caseworker"],
            delay_reason=data["delay_reason"],
            delay_reason_text=data["delay_reason_text"],
            context=api_audit_context(request),
        )
        return Response(DecisionSerializer(decision).data, status=201)


class DecisionDetailApi(APIView):
    @extend_schema(responses=DecisionSerializer, summary=_("Ett beslut med händelser"))
    def get(self, request: Request, decision_id: int) -> Response:
        user = current_user(request)
        decision = get_decision_for_user(user, decision_id)
        decision_view_record(actor=user, decision=decision, context=api_audit_context(request))
        return Response(DecisionSerializer(decision).data)


class DecisionEventApi(APIView):
    @extend_schema(request=EventSerializer, responses={201: DecisionSerializer}, summary=_("Registrera en händelse"))
    def post(self, request: Request, decision_id: int) -> Response:
        user = current_user(request)
        decision = get_decision_for_user(user, decision_id)
        serializer = EventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision_event_add(
            actor=user, decision=decision, context=api_audit_context(request), **serializer.validated_data
        )
        return Response(DecisionSerializer(get_decision_for_user(user, decision_id)).data, status=201)


class DecisionImportApi(APIView):
    parser_classes = [MultiPartParser]
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.DECISION_MANAGE

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "DecisionImport", {"municipality": serializers.SlugField(), "file": serializers.FileField()}
            )
        },
        responses={202: JOB_STARTED_SCHEMA},
        summary=_("Importera ett register (allt eller inget) som bakgrundsjobb"),
        description=_(
            "Svarar 202 genast med jobbets adress. När jobbet är klart är dess result "
            '{"created": [referenser], "updated": [referenser]}; misslyckas det är error meddelandet '
            "och result.fields.file varje fel med rad, kolumn och orsak."
        ),
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        municipality = _municipality(user, str(request.data.get("municipality", "")), Permission.DECISION_MANAGE)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(gettext("Ingen fil."), fields={"file": [gettext("Välj en fil.")]})
        job = job_start(
            actor=user,
            kind=JobKind.DECISIONS_IMPORT,
            organisation=municipality,
            arguments={"filename": upload.name or ""},
            upload=upload.file,
            context=api_audit_context(request),
        )
        return job_started(request, job)


class ReportRowSerializer(serializers.Serializer[dict[str, Any]]):
    reference = serializers.CharField()
    decision_date = serializers.DateField()
    decision_type = serializers.CharField()
    legal_basis = serializers.CharField()
    reason = serializers.CharField()
    date = serializers.DateField(required=False, allow_null=True, help_text=_("Datum för verkställighet eller avslut"))
    outcome = serializers.ChoiceField(choices=["executed", "ended"], required=False, allow_null=True)


class StatisticSerializer(serializers.Serializer[dict[str, Any]]):
    decision_type = serializers.CharField()
    category = serializers.ChoiceField(choices=["not_executed", "interrupted", "executed", "ended"])
    count = serializers.IntegerField()


class CouncilStatisticSerializer(serializers.Serializer[dict[str, Any]]):
    decision_type = serializers.CharField()
    section = serializers.ChoiceField(
        choices=[1, 2], help_text=_("1: ej verkställt inom tre månader; 2: efter avbrott")
    )
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    days = serializers.ListField(child=serializers.IntegerField(), help_text=_("Dagar till rapporteringstillfället"))
    protected = serializers.BooleanField(help_text=_("Fördelningen på kön visas inte i dokumenten till KF"))


class ReportSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    municipality = serializers.CharField()
    quarter = serializers.CharField()
    as_of = serializers.DateField()
    status = serializers.ChoiceField(choices=["draft", "submitted"])
    not_executed = ReportRowSerializer(many=True)
    interrupted = ReportRowSerializer(many=True)
    executed_or_ended = ReportRowSerializer(many=True)
    statistics = StatisticSerializer(many=True)
    council_statistics = CouncilStatisticSerializer(many=True)


class ReportListItemSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    municipality = serializers.CharField()
    quarter = serializers.CharField()
    as_of = serializers.DateField()
    status = serializers.CharField()


class ByTypeSerializer(serializers.Serializer[dict[str, Any]]):
    decision_type = serializers.CharField()
    category = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())


class SummarySerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.CharField()
    year = serializers.IntegerField()
    quarters = serializers.ListField(child=serializers.CharField())
    not_executed = serializers.ListField(child=serializers.IntegerField())
    interrupted = serializers.ListField(child=serializers.IntegerField())
    executed_or_ended = serializers.ListField(child=serializers.IntegerField())
    reported = serializers.ListField(child=serializers.BooleanField(), help_text=_("Kvartal med inlämnad rapport"))
    by_type = ByTypeSerializer(many=True)


class ReportPrepareSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.SlugField()
    quarter = serializers.RegexField(r"^\d{4}Q[1-4]$")
    as_of = serializers.DateField()


class ReportListApi(APIView):
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = {"get": Permission.DECISION_REPORT_VIEW, "post": Permission.DECISION_MANAGE}

    @extend_schema(
        summary=_("Kvartalsrapporter"),
        operation_id="reports_list",
        responses=inline_serializer("ReportList", {"results": ReportListItemSerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        user = current_user(request)
        return Response(
            {
                "results": [
                    {
                        "id": r.pk,
                        "municipality": r.municipality.slug,
                        "quarter": f"{r.year}Q{r.quarter}",
                        "as_of": r.as_of.isoformat(),
                        "status": r.status,
                    }
                    for r in reports_for_user(user)
                ]
            }
        )

    @extend_schema(
        request=ReportPrepareSerializer,
        responses={201: ReportSerializer},
        summary=_("Ta fram eller räkna om ett utkast"),
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = ReportPrepareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        municipality = _municipality(user, data["municipality"], Permission.DECISION_MANAGE)
        report = report_prepare(
            actor=user,
            municipality=municipality,
            quarter=Quarter.parse(data["quarter"]),
            as_of=data["as_of"],
            context=api_audit_context(request),
        )
        return Response({"id": report.pk, **exports.report_json(report)}, status=201)


class ReportDetailApi(APIView):
    @extend_schema(summary=_("En kvartalsrapport (utan personuppgifter)"), responses=ReportSerializer)
    def get(self, request: Request, report_id: int) -> Response:
        user = current_user(request)
        report = get_report_for_user(user, report_id)
        report_access_record(
            actor=user, action=AuditAction.REPORT_VIEW, report=report, context=api_audit_context(request)
        )
        return Response({"id": report.pk, **exports.report_json(report)})


class ReportSubmitApi(APIView):
    @extend_schema(request=None, responses=ReportSerializer, summary=_("Lämna in (frys) rapporten"))
    def post(self, request: Request, report_id: int) -> Response:
        user = current_user(request)
        report = get_report_for_user(user, report_id)
        if report.municipality not in municipalities_with(user, Permission.DECISION_MANAGE):
            raise Http404
        report = report_submit(actor=user, report=report, context=api_audit_context(request))
        return Response({"id": report.pk, **exports.report_json(report)})


class SummaryApi(APIView):
    @extend_schema(summary=_("Sammanställning för ett år ur inlämnade rapporter"), responses=SummarySerializer)
    def get(self, request: Request, municipality: str, year: int) -> Response:
        user = current_user(request)
        allowed = {m.slug: m for m in municipalities_with(user, Permission.DECISION_REPORT_VIEW)}
        if municipality not in allowed:
            raise Http404
        return Response(exports.summary_json(allowed[municipality], year))
