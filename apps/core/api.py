"""The API's one error shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from insyn.errors import InsynError

MESSAGES = {
    "not_authenticated": "Inloggning krävs: ange en giltig API-nyckel.",
    "authentication_failed": "API-nyckeln är ogiltig eller återkallad.",
    "permission_denied": "Du saknar behörighet för detta.",
    "not_found": "Hittades inte.",
    "method_not_allowed": "Metoden är inte tillåten här.",
    "invalid": "Uppgifterna är ogiltiga.",
    "parse_error": "Begäran kunde inte tolkas som JSON.",
    "throttled": "För många försök, vänta en stund.",
    "unsupported_media_type": "Innehållstypen stöds inte; skicka JSON.",
    "not_acceptable": "Svarsformatet stöds inte.",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(key): [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {"non_field_errors": [str(item) for item in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InsynError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = exc.default_code if not isinstance(exc.get_codes(), str) else str(exc.get_codes())
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        response.data = error_body(code, MESSAGES["invalid"], _flatten(exc.detail))
    else:
        response.data = error_body(code, MESSAGES.get(code, str(exc.detail)))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("not_found", MESSAGES["not_found"]), status=404)


def results_schema(name: str, item: type[serializers.BaseSerializer[Any]]) -> serializers.Serializer[Any]:
    """The schema of a list answer, `{"results": [item, …]}`, as every list endpoint returns it."""
    return inline_serializer(name=name, fields={"results": item(many=True)})
