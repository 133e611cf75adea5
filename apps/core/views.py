from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.selectors import grants_of
from apps.core.api import api_not_found, error_body

from .access import page


@page()
def start(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    grants = grants_of(request.user)
    roles = {grant.role for grant in grants}
    context = {
        "grants": grants,
        "roles": roles,
        "Role": Role,
        "is_caseworker": bool(roles & {Role.EXECUTOR_CASEWORKER, Role.EXECUTOR_MANAGER}),
        "is_registrar": Role.DECISIONS_REGISTRAR in roles,
        "is_auditor": Role.AUDITOR in roles,
        "is_forbund_officer": Role.FORBUND_OFFICER in roles,
        "is_lexheller_reporter": Role.LEXHELLER_REPORTER in roles,
        "is_lexheller_admin": Role.LEXHELLER_ADMIN in roles,
        "is_admin": Role.SYSTEM_ADMIN in roles,
    }
    if context["is_caseworker"]:
        from apps.activera.selectors import enrolment_warnings, enrolments_for_user, received_referrals

        today = timezone.localdate()
        active = enrolments_for_user(request.user).filter(exit_date__isnull=True).prefetch_related("measurements")
        warnings = [(e, w) for e in active for w in enrolment_warnings(e, today)]
        context.update(
            participant_warnings=sorted(warnings, key=lambda item: item[1].due)[:15],
            participant_warning_count=len(warnings),
            new_referrals=received_referrals(request.user).count(),
        )
    if context["is_registrar"]:
        from apps.decisions.selectors import deadline_overview, next_ivo_window

        today = timezone.localdate()
        approaching, overdue = deadline_overview(request.user, today=today)
        quarter, window_words, window_end = next_ivo_window(today)
        context.update(
            approaching=approaching,
            overdue=overdue,
            ivo_quarter=quarter,
            ivo_window=window_words,
            ivo_window_end=window_end,
        )
    if context["is_forbund_officer"]:
        from apps.forbund.selectors import agreements_for_user
        from apps.forbund.tracking import tracking_summary

        agreements = agreements_for_user(request.user).filter(year__gte=timezone.localdate().year - 1)
        context["tracking"] = tracking_summary(agreements)
    if context["is_lexheller_admin"]:
        from apps.lexheller.models import Report
        from apps.lexheller.selectors import admin_forbunds
        from apps.lexheller.services import OPEN_STATUSES

        context["lexheller_open"] = Report.objects.filter(
            forbund__in=admin_forbunds(request.user), status__in=OPEN_STATUSES
        ).count()
    return render(request, "core/start.html", context)


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
        return JsonResponse(error_body("permission_denied", "Du saknar behörighet för detta."), status=403)
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", "Ett oväntat fel inträffade."), status=500)
    return render(request, "core/500.html", status=500)
