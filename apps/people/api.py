from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.api_access import RequiresPermission, api_audit_context
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.models import AuditAction
from apps.core.api import PAGE_PARAMETERS, page_of, results_schema
from apps.organisations.models import Organisation

from .models import Person
from .selectors import get_person_for_user, identity_number_of, search_people
from .services import person_access_record, person_create


class PersonSerializer(serializers.ModelSerializer[Person]):
    municipality: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Person
        fields = [
            "code",
            "municipality",
            "first_name",
            "last_name",
            "birth_year",
            "legal_sex",
            "is_coordination_number",
        ]


class PersonDetailSerializer(PersonSerializer):
    identity_number = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "identity_number"]

    def get_identity_number(self, person: Person) -> str:
        return identity_number_of(person)


class PersonCreateSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.SlugField()
    identity_number = serializers.CharField(max_length=20)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)


class PersonListApi(APIView):
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = {"get": Permission.PERSON_VIEW, "post": Permission.PERSON_MANAGE}

    @extend_schema(
        operation_id="people_list",
        responses=results_schema("PersonList", PersonSerializer),
        parameters=[
            OpenApiParameter("q", str, description=gettext_lazy("Personnummer, kod eller namn")),
            *PAGE_PARAMETERS,
        ],
        summary=gettext_lazy("Personer i dina kommuners register"),
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        query = str(request.query_params.get("q", ""))
        people, next_page = page_of(request, search_people(user, query))
        if people:
            person_access_record(
                actor=user,
                people=people,
                action=AuditAction.PERSON_SEARCH if query else AuditAction.PERSON_LIST,
                context=api_audit_context(request),
            )
        return Response({"results": PersonSerializer(people, many=True).data, "next": next_page})

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonDetailSerializer},
        summary=gettext_lazy("Registrera en person"),
    )
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        municipality = Organisation.objects.filter(slug=data["municipality"]).first()
        if municipality is None:
            from insyn.errors import ValidationFailed

            raise ValidationFailed(_("Okänd kommun."), fields={"municipality": [_("Okänd kommun.")]})
        person = person_create(
            actor=user,
            municipality=municipality,
            identity_number=data["identity_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            context=api_audit_context(request),
        )
        return Response(PersonDetailSerializer(person).data, status=201)


class PersonDetailApi(APIView):
    @extend_schema(responses=PersonDetailSerializer, summary=gettext_lazy("En person, med personnummer"))
    def get(self, request: Request, code: str) -> Response:
        user = request.user
        assert isinstance(user, User)
        person = get_person_for_user(user, code)
        person_access_record(
            actor=user, people=[person], action=AuditAction.PERSON_VIEW, context=api_audit_context(request)
        )
        return Response(PersonDetailSerializer(person).data)
