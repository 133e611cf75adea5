from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.api import api_not_found, error_body
from apps.core.health import FAILED, OK, health_checks, healthy


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health_checks()
    if healthy(checks):
        return JsonResponse({"status": OK, "checks": checks})
    return JsonResponse({"status": FAILED, "checks": checks}, status=503)


def bad_request(request: HttpRequest, exception: Exception | None = None, reason: str = "") -> HttpResponse:
    reason = reason or _("Begäran kunde inte tolkas.")
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", reason), status=400)
    return render(request, "core/400.html", {"reason": reason}, status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return render(request, "core/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("permission_denied", _("Du saknar behörighet för detta.")), status=403)
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("Ett oväntat fel inträffade.")), status=500)
    return render(request, "core/500.html", status=500)
