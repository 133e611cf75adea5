from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import User
from .selectors import grants_of


class MeApi(APIView):
    @extend_schema(
        summary="Den inloggade användaren och dess roller",
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
