"""Who sees which Lex Heller report: the reporter their own, the förbund's administrators all of
the förbund's, every user of the förbund the published ones (without the reporter)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import ROLE_PERMISSIONS, Permission
from apps.accounts.selectors import forbunds_of, forbunds_with, grants_of
from apps.organisations.models import Organisation, OrganisationKind

from .models import BugMeeting, Report, ReportStatus


def admin_forbunds(user: User) -> list[Organisation]:
    return forbunds_with(user, Permission.LEXHELLER_ADMINISTER)


def is_admin_of(user: User, report: Report) -> bool:
    return report.forbund in admin_forbunds(user)


def reports_for_user(user: User) -> QuerySet[Report]:
    published = forbunds_of(user, Permission.LEXHELLER_VIEW_PUBLISHED)
    return (
        Report.objects.filter(
            Q(reporter=user)
            | Q(forbund__in=admin_forbunds(user))
            | Q(status=ReportStatus.PUBLISHED, forbund__in=published)
        )
        .select_related("forbund", "reporting_organisation", "meeting", "reporter")
        .prefetch_related("authorities")
    )


def get_report_for_user(user: User, report_id: int) -> Report:
    try:
        return reports_for_user(user).get(pk=report_id)
    except Report.DoesNotExist as exc:
        raise Http404(_("Rapporten finns inte.")) from exc


def meetings_for_user(user: User) -> QuerySet[BugMeeting]:
    return BugMeeting.objects.filter(forbund__in=admin_forbunds(user)).select_related("forbund")


def get_meeting_for_user(user: User, meeting_id: int) -> BugMeeting:
    try:
        return meetings_for_user(user).get(pk=meeting_id)
    except BugMeeting.DoesNotExist as exc:
        raise Http404(_("Mötet finns inte.")) from exc


def member_of(organisation: Organisation) -> Organisation:
    """The förbund member an organisation belongs to (a unit's municipality), or the förbund itself."""
    node = organisation
    while node.parent is not None and node.parent.kind != OrganisationKind.FORBUND:
        node = node.parent
    return node


def reporting_organisations(user: User) -> list[Organisation]:
    """The member organisations on whose behalf `user` may report."""
    found = {
        member_of(g.organisation).pk: member_of(g.organisation)
        for g in grants_of(user)
        if g.forbund is not None and Permission.LEXHELLER_REPORT in ROLE_PERMISSIONS[g.role]
    }
    return sorted(found.values(), key=lambda org: org.name)


def authority_choices(forbund: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        parent=forbund,
        kind__in=[OrganisationKind.MUNICIPALITY, OrganisationKind.STATE_AGENCY, OrganisationKind.REGION],
    ).order_by("name")
