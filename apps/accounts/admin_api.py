"""User administration in the API, with the pages' rules: USERS_MANAGE, then the actor's reach
(404 for a user or grant outside it), errors in the API's one shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.models import AuditAction
from apps.core.api import PAGE_PARAMETERS, page_of, results_schema
from apps.organisations.models import Organisation
from insyn.errors import ValidationFailed

from . import services_admin as admin
from .access import current_user
from .admin_scope import get_grant_for_admin, get_user_for_admin, search_managed_users
from .api_access import RequiresPermission, api_audit_context
from .models import RoleGrant, User
from .roles import Permission, Role


class GrantSerializer(serializers.Serializer[RoleGrant]):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    organisation = serializers.CharField(source="organisation.slug")
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    granted_at = serializers.DateTimeField()
    granted_by = serializers.CharField(source="granted_by.username", allow_null=True, default=None)


class UserSerializer(serializers.Serializer[User]):
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    is_active = serializers.BooleanField()
    last_login = serializers.DateTimeField(allow_null=True)
    home_organisation = serializers.CharField(source="home_organisation.slug", allow_null=True, default=None)
    grants = GrantSerializer(source="role_grants", many=True)


class InviteSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    organisation = serializers.SlugField(help_text=_("Organisationens kortnamn, inom din räckvidd"))
    first_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)


class UserPatchSerializer(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False)
    is_active = serializers.BooleanField(
        required=False, help_text=_("false inaktiverar (sessioner och nycklar upphör)")
    )


class GrantCreateSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=[role.value for role in Role])
    organisation = serializers.SlugField()
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationFailed(
            str(_("Okänd organisation.")),
            fields={"organisation": [str(_("Ingen organisation heter %(slug)s.") % {"slug": slug})]},
        )
    return organisation


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _fresh(actor: User, username: str) -> User:
    return get_user_for_admin(actor, username)


USERNAME_PARAMETER = OpenApiParameter("username", str, OpenApiParameter.PATH, description=_("Användarnamnet"))


class UserListApi(APIView):
    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.USERS_MANAGE

    @extend_schema(
        operation_id="users_list",
        summary=_("Användarna inom din räckvidd"),
        parameters=[*PAGE_PARAMETERS, OpenApiParameter("q", str, description=_("Sök på användarnamn, namn, e-post"))],
        responses=results_schema("UserList", UserSerializer),
    )
    def get(self, request: Request) -> Response:
        actor = current_user(request)
        query = request.query_params.get("q", "").strip()
        rows: Any
        rows, next_page = page_of(request, search_managed_users(actor, query=query))
        admin.user_read_record(
            actor=actor, action=AuditAction.USER_LIST, context=api_audit_context(request), query=query
        )
        return Response({"results": UserSerializer(rows, many=True).data, "next": next_page})

    @extend_schema(
        operation_id="users_invite",
        summary=_("Bjud in en användare (e-brev med engångslänk)"),
        request=InviteSerializer,
        responses={201: UserSerializer},
    )
    def post(self, request: Request) -> Response:
        actor = current_user(request)
        data = _valid(InviteSerializer, request)
        organisation = Organisation.objects.filter(slug=data["organisation"]).first()
        user = admin.user_invite(
            actor=actor,
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=organisation,
            base_url=request.build_absolute_uri("/"),
            context=api_audit_context(request),
        )
        return Response(UserSerializer(_fresh(actor, user.username)).data, status=201)


class UserDetailApi(APIView):
    # The access helper is the gate: anyone without the user in their reach gets 404.

    @extend_schema(
        operation_id="users_retrieve",
        summary=_("En användare"),
        parameters=[USERNAME_PARAMETER],
        responses=UserSerializer,
    )
    def get(self, request: Request, username: str) -> Response:
        actor = current_user(request)
        user = get_user_for_admin(actor, username)
        admin.user_read_record(actor=actor, action=AuditAction.USER_VIEW, context=api_audit_context(request), user=user)
        return Response(UserSerializer(user).data)

    @extend_schema(
        operation_id="users_partial_update",
        summary=_("Ändra namn, e-post eller aktivera/inaktivera"),
        parameters=[USERNAME_PARAMETER],
        request=UserPatchSerializer,
        responses=UserSerializer,
    )
    def patch(self, request: Request, username: str) -> Response:
        actor = current_user(request)
        user = get_user_for_admin(actor, username)
        data = _valid(UserPatchSerializer, request)
        context = api_audit_context(request)
        active = data.pop("is_active", None)
        if data:
            admin.user_update(actor=actor, user=user, context=context, **data)
        if active is False and user.is_active:
            admin.user_deactivate(actor=actor, user=user, context=context)
        elif active is True and not user.is_active:
            admin.user_reactivate(actor=actor, user=user, context=context)
        return Response(UserSerializer(_fresh(actor, user.username)).data)


class UserGrantListApi(APIView):
    # The access helper is the gate: anyone without the user in their reach gets 404.

    @extend_schema(
        operation_id="users_grants_list",
        summary=_("En användares rolltilldelningar"),
        parameters=[USERNAME_PARAMETER],
        responses=GrantSerializer(many=True),
    )
    def get(self, request: Request, username: str) -> Response:
        user = get_user_for_admin(current_user(request), username)
        grants: Any = user.role_grants.all()
        return Response(GrantSerializer(grants, many=True).data)

    @extend_schema(
        operation_id="users_grants_create",
        summary=_("Ge en roll, med giltighetstid om du vill"),
        parameters=[USERNAME_PARAMETER],
        request=GrantCreateSerializer,
        responses={201: GrantSerializer},
    )
    def post(self, request: Request, username: str) -> Response:
        actor = current_user(request)
        user = get_user_for_admin(actor, username)
        data = _valid(GrantCreateSerializer, request)
        grant = admin.grant_give(
            actor=actor,
            user=user,
            role=data["role"],
            organisation=_organisation(data["organisation"]),
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            context=api_audit_context(request),
        )
        return Response(GrantSerializer(grant).data, status=201)


class GrantDetailApi(APIView):
    # The access helper is the gate: anyone without the user in their reach gets 404.

    @extend_schema(
        operation_id="grants_retrieve",
        summary=_("En rolltilldelning"),
        parameters=[OpenApiParameter("grant_id", int, OpenApiParameter.PATH)],
        responses=GrantSerializer,
    )
    def get(self, request: Request, grant_id: int) -> Response:
        return Response(GrantSerializer(get_grant_for_admin(current_user(request), grant_id)).data)

    @extend_schema(
        operation_id="grants_destroy",
        summary=_("Ta bort en rolltilldelning"),
        parameters=[OpenApiParameter("grant_id", int, OpenApiParameter.PATH)],
        responses={204: None},
    )
    def delete(self, request: Request, grant_id: int) -> Response:
        actor = current_user(request)
        admin.grant_take_away(
            actor=actor, grant=get_grant_for_admin(actor, grant_id), context=api_audit_context(request)
        )
        return Response(status=204)
