from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import PAGE_PARAMETERS, page_of, results_schema

from .access import current_user
from .api_access import api_audit_context
from .models import User
from .selectors import api_tokens_for_user, get_api_token_for_user, grants_of
from .services import api_token_revoke


class MeApi(APIView):
    @extend_schema(
        summary=_("Den inloggade användaren och dess roller"),
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "grants": serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        return Response(
            {
                "username": user.username,
                "grants": [{"role": g.role.value, "organisation": g.organisation.slug} for g in grants_of(user)],
            }
        )


class ApiTokenSerializer(serializers.Serializer[AuthToken]):
    token_key = serializers.CharField(help_text=_("Nyckelns början; hela nyckeln visas bara när den skapas"))
    username = serializers.CharField(source="user.username")
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField(source="expiry", allow_null=True)
    expired = serializers.BooleanField(help_text=_("Utgången: API:et tar inte längre emot nyckeln"))


TOKEN_KEY_PARAMETER = OpenApiParameter(
    "token_key", str, OpenApiParameter.PATH, description=_("Nyckelns början, som i listan")
)


class ApiTokenListApi(APIView):
    @extend_schema(
        operation_id="tokens_list",
        summary=_("API-nycklar: dina egna, eller allas för en systemadministratör"),
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter("user", str, description=_("Bara den här användarens nycklar (användarnamn)")),
        ],
        responses=results_schema("ApiTokenList", ApiTokenSerializer),
    )
    def get(self, request: Request) -> Response:
        tokens = api_tokens_for_user(current_user(request), username=request.query_params.get("user", "").strip())
        rows, next_page = page_of(request, tokens)
        return Response({"results": ApiTokenSerializer(rows, many=True).data, "next": next_page})


class ApiTokenDetailApi(APIView):
    @extend_schema(
        operation_id="tokens_retrieve",
        summary=_("En API-nyckel (din egen, eller vilken som helst för en systemadministratör)"),
        parameters=[TOKEN_KEY_PARAMETER],
        responses=ApiTokenSerializer,
    )
    def get(self, request: Request, token_key: str) -> Response:
        return Response(ApiTokenSerializer(get_api_token_for_user(current_user(request), token_key)).data)

    @extend_schema(
        operation_id="tokens_destroy",
        summary=_("Återkalla en API-nyckel"),
        parameters=[TOKEN_KEY_PARAMETER],
        responses={204: None},
    )
    def delete(self, request: Request, token_key: str) -> Response:
        user = current_user(request)
        api_token_revoke(token=get_api_token_for_user(user, token_key), actor=user, context=api_audit_context(request))
        return Response(status=204)
