"""The API's one error shape: {"error": {"code", "message", "fields"}}, and the one shape of a list:
{"results": [...], "next": URL or null}, a page at a time (`?limit=&offset=`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from insyn.errors import InsynError, ValidationFailed

MESSAGES = {
    "not_authenticated": gettext_lazy("Inloggning krävs: ange en giltig API-nyckel."),
    "authentication_failed": gettext_lazy("API-nyckeln är ogiltig eller återkallad."),
    "permission_denied": gettext_lazy("Du saknar behörighet för detta."),
    "not_found": gettext_lazy("Hittades inte."),
    "method_not_allowed": gettext_lazy("Metoden är inte tillåten här."),
    "invalid": gettext_lazy("Uppgifterna är ogiltiga."),
    "parse_error": gettext_lazy("Begäran kunde inte tolkas som JSON."),
    "throttled": gettext_lazy("För många försök, vänta en stund."),
    "unsupported_media_type": gettext_lazy("Innehållstypen stöds inte; skicka JSON."),
    "not_acceptable": gettext_lazy("Svarsformatet stöds inte."),
}


def error_body(code: str, message: StrOrPromise, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    # str(): the body is serialised as JSON, in the language active now.
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


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


PAGE_DEFAULT, PAGE_MAX, OFFSET_MAX = 50, 500, 1_000_000_000


def _limit_text() -> str:
    return _("Hur många per sida, 1–%(highest)s (förval %(default)s)") % {"highest": PAGE_MAX, "default": PAGE_DEFAULT}


def _offset_text() -> str:
    return _("Hur många som hoppas över, 0–%(highest)s (förval 0)") % {"highest": OFFSET_MAX}


# Lazy: the schema is described in the language of the request that asks for it.
PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description=lazy(_limit_text, str)()),
    OpenApiParameter("offset", int, description=lazy(_offset_text, str)()),
]


def results_schema(name: str, item: type[serializers.BaseSerializer[Any]]) -> serializers.Serializer[Any]:
    """The schema of a list answer, `{"results": [item, …], "next": URL or null}`."""
    return inline_serializer(
        name=name,
        fields={
            "results": item(many=True),
            "next": serializers.CharField(
                allow_null=True, help_text=gettext_lazy("Nästa sida, eller null på den sista")
            ),
        },
    )


def _whole_number(request: Request, name: str, default: int, lowest: int, highest: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lowest - 1
    if not lowest <= value <= highest:
        message = _("%(name)s ska vara ett heltal, %(lowest)s–%(highest)s.") % {
            "name": name,
            "lowest": lowest,
            "highest": highest,
        }
        raise ValidationFailed(message, fields={name: [message]})
    return value


def page_of(request: Request, queryset: QuerySet[Any]) -> tuple[list[Any], str | None]:
    """One page of `queryset` and the URL of the next page (None on the last). One row more than
    the page is read to know whether there is a next page, so no count is needed."""
    limit = _whole_number(request, "limit", PAGE_DEFAULT, 1, PAGE_MAX)
    # Bounded: an offset past what a database integer holds would fail inside the database.
    offset = _whole_number(request, "offset", 0, 0, OFFSET_MAX)
    rows = list(queryset[offset : offset + limit + 1])
    if len(rows) <= limit:
        return rows, None
    query = request.query_params.copy()
    query["limit"], query["offset"] = str(limit), str(offset + limit)
    return rows[:limit], request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
