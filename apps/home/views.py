"""The role start page: what each of the user's roles has waiting today."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.access import page
from apps.accounts.models import User
from apps.accounts.roles import Permission, Role
from apps.accounts.selectors import grants_of, has_permission
from apps.activera.selectors import enrolment_warnings, enrolments_for_user, received_referrals
from apps.activera.views import REFERRAL_WAIT_DAYS
from apps.decisions.selectors import deadline_overview, next_ivo_window
from apps.forbund.selectors import agreements_for_user
from apps.forbund.tracking import tracking_summary
from apps.lexheller.models import Report
from apps.lexheller.selectors import admin_forbunds
from apps.lexheller.services import OPEN_STATUSES
from apps.yearend.selectors import upcoming_deadlines


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
        today = timezone.localdate()
        active = enrolments_for_user(request.user).filter(exit_date__isnull=True).prefetch_related("measurements")
        warnings = [(e, w) for e in active for w in enrolment_warnings(e, today)]
        context.update(
            participant_warnings=sorted(warnings, key=lambda item: item[1].due)[:15],
            participant_warning_count=len(warnings),
            new_referrals=received_referrals(request.user).count(),
            # The referral list's rule: still new after REFERRAL_WAIT_DAYS days has waited too long.
            stale_referrals=received_referrals(request.user)
            .filter(received_on__lt=today - datetime.timedelta(days=REFERRAL_WAIT_DAYS))
            .count(),
            referral_wait_days=REFERRAL_WAIT_DAYS,
        )
    if context["is_registrar"]:
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
        agreements = agreements_for_user(request.user).filter(year__gte=timezone.localdate().year - 1)
        context["tracking"] = tracking_summary(agreements)
    if context["is_lexheller_admin"]:
        context["lexheller_open"] = Report.objects.filter(
            forbund__in=admin_forbunds(request.user), status__in=OPEN_STATUSES
        ).count()
    if has_permission(request.user, Permission.YEAREND_EDIT) or has_permission(
        request.user, Permission.YEAREND_APPROVE
    ):
        context["yearend_deadlines"] = upcoming_deadlines(request.user, timezone.localdate())
        context["is_yearend"] = True
    return render(request, "home/start.html", context)
