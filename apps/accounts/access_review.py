"""The access review: who holds which role where, since when and until when, who gave it, and
whether the holder has logged in (never, or not for DORMANT_DAYS). A page and an XLSX, for
auditors (their municipality's subtree), local administrators (their subtree) and system
administrators (everything). Both are audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.context import AuditContext, audit_context
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.xlsx import xlsx_response

from .access import current_user, page
from .admin_scope import review_reach_of
from .models import RoleGrant, User
from .roles import Permission, Role

DORMANT_DAYS = 90


@dataclass(frozen=True)
class ReviewRow:
    grant: RoleGrant
    status: str
    never_logged_in: bool
    dormant: bool

    @property
    def role_label(self) -> str:
        return str(Role(self.grant.role).label)


def reviewed_grants(user: User) -> QuerySet[RoleGrant]:
    reach = review_reach_of(user)
    grants = RoleGrant.objects.select_related("user", "organisation", "granted_by").order_by(
        "organisation__name", "user__username", "role"
    )
    return grants if reach.everything else grants.filter(organisation_id__in=reach.organisation_ids)


def _status(grant: RoleGrant, today: datetime.date) -> str:
    if not grant.user.is_active:
        return _("Kontot inaktiverat")
    if grant.valid_until is not None and grant.valid_until < today:
        return _("Har upphört")
    if grant.valid_from is not None and grant.valid_from > today:
        return _("Börjar senare")
    return _("Gäller")


def review_rows(user: User) -> list[ReviewRow]:
    today = timezone.localdate()
    dormant_since = timezone.now() - datetime.timedelta(days=DORMANT_DAYS)
    return [
        ReviewRow(
            grant=grant,
            status=_status(grant, today),
            never_logged_in=grant.user.last_login is None,
            dormant=grant.user.last_login is not None and grant.user.last_login < dormant_since,
        )
        for grant in reviewed_grants(user)
    ]


def access_review_record(*, actor: User, action: AuditAction, context: AuditContext, rows: int) -> None:
    audit_record(actor=actor, action=action, context=context, object_type="access_review", details={"rows": rows})


def _local(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment is not None else ""


HEADER = [
    "Användarnamn",
    "Namn",
    "Roll",
    "Organisation",
    "Gäller från",
    "Gäller till",
    "Status",
    "Tilldelad",
    "Tilldelad av",
    "Senast inloggad",
    "Aldrig inloggad",
    f"Vilande > {DORMANT_DAYS} dagar",
]


@page(Permission.ACCESS_REVIEW_VIEW)
def access_review_page(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    rows = review_rows(actor)
    access_review_record(
        actor=actor, action=AuditAction.ACCESS_REVIEW_VIEW, context=audit_context(request), rows=len(rows)
    )
    return render(
        request,
        "accounts/admin/access_review.html",
        {
            "rows": rows,
            "dormant_days": DORMANT_DAYS,
            "never_count": len({row.grant.user_id for row in rows if row.never_logged_in}),
            "dormant_count": len({row.grant.user_id for row in rows if row.dormant}),
        },
    )


@page(Permission.ACCESS_REVIEW_VIEW)
def access_review_export(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    rows = review_rows(actor)
    access_review_record(
        actor=actor, action=AuditAction.ACCESS_REVIEW_EXPORT, context=audit_context(request), rows=len(rows)
    )
    yes = _("Ja")
    return xlsx_response(
        filename=f"behorighetsgranskning-{timezone.localdate():%Y-%m-%d}.xlsx",
        sheet_title="Behörigheter",
        header=HEADER,
        rows=[
            [
                row.grant.user.username,
                row.grant.user.get_full_name(),
                row.role_label,
                row.grant.organisation.name,
                row.grant.valid_from.isoformat() if row.grant.valid_from else "",
                row.grant.valid_until.isoformat() if row.grant.valid_until else "",
                row.status,
                _local(row.grant.granted_at),
                row.grant.granted_by.username if row.grant.granted_by else "",
                _local(row.grant.user.last_login),
                yes if row.never_logged_in else "",
                yes if row.dormant else "",
            ]
            for row in rows
        ],
    )
