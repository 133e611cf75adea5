"""The access review: who holds which role where, since when and until when, who gave it, and
whether the holder has logged in (never, or not for DORMANT_DAYS). A page and an XLSX, for
auditors (their municipality's subtree), local administrators (their subtree) and system
administrators (everything). Both are audited."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from apps.audit.context import AuditContext, audit_context
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.http import download
from apps.core.xlsx import XLSX_MIME
from lib.spreadsheet import safe_text

from .access import current_user, page
from .admin_scope import review_reach_of, review_roots_of
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


def review_header() -> list[str]:
    """The sheet's column headings, in the reader's language."""
    return [
        _("Användarnamn"),
        _("Namn"),
        _("Roll"),
        _("Organisation"),
        _("Gäller från"),
        _("Gäller till"),
        _("Status"),
        _("Tilldelad"),
        _("Tilldelad av"),
        _("Senast inloggad"),
        _("Aldrig inloggad"),
        _("Vilande > %(days)s dagar") % {"days": DORMANT_DAYS},
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


def _local_naive(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment as a Stockholm wall-clock time without zone: XLSX cells have no time zones."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def review_title(user: User, today: datetime.date) -> str:
    roots = review_roots_of(user)
    where = _("alla organisationer") if roots is None else ", ".join(root.name for root in roots)
    return _("Behörighetsgranskning %(where)s %(date)s") % {"where": where, "date": today.isoformat()}


DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"


def review_workbook(user: User, rows: list[ReviewRow], today: datetime.date) -> bytes:
    """The review as one sheet: a title row, the header, then a row per grant. Dates are date
    cells (YYYY-MM-DD), moments date-and-time cells; text never becomes a formula."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Behörigheter")
    title = sheet.cell(row=1, column=1, value=safe_text(review_title(user, today)))
    title.data_type = "s"
    title.font = Font(bold=True, size=14)
    for column, name in enumerate(review_header(), start=1):
        cell = sheet.cell(row=2, column=column, value=name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
    yes = _("Ja")
    for index, row in enumerate(rows, start=3):
        grant = row.grant
        values: list[object] = [
            grant.user.username,
            grant.user.get_full_name(),
            row.role_label,
            grant.organisation.name,
            grant.valid_from,
            grant.valid_until,
            row.status,
            _local_naive(grant.granted_at),
            grant.granted_by.username if grant.granted_by else "",
            _local_naive(grant.user.last_login),
            yes if row.never_logged_in else "",
            yes if row.dormant else "",
        ]
        for column, value in enumerate(values, start=1):
            target = sheet.cell(row=index, column=column)
            if isinstance(value, datetime.datetime):
                target.value = value
                target.number_format = MOMENT_FORMAT
            elif isinstance(value, datetime.date):
                target.value = value
                target.number_format = DATE_FORMAT
            elif isinstance(value, str):
                target.value = safe_text(value)
                target.data_type = "s"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@page(Permission.ACCESS_REVIEW_VIEW)
def access_review_export(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    rows = review_rows(actor)
    access_review_record(
        actor=actor, action=AuditAction.ACCESS_REVIEW_EXPORT, context=audit_context(request), rows=len(rows)
    )
    today = timezone.localdate()
    return download(review_workbook(actor, rows, today), f"behorighetsgranskning-{today:%Y-%m-%d}.xlsx", XLSX_MIME)
