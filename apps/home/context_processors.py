from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission, second_factor_pending


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if isinstance(user, User) and user.is_authenticated and not second_factor_pending(user):
        items.append((reverse("home:start"), _("Start")))
        if has_permission(user, Permission.PERSON_VIEW):
            items.append((reverse("people:list"), _("Personregister")))
        if has_permission(user, Permission.PARTICIPANT_MANAGE):
            items.append((reverse("activera:home"), _("Deltagare")))
        if has_permission(user, Permission.AGREEMENT_VIEW_OWN):
            items.append((reverse("forbund:own_agreements"), _("Vår överenskommelse")))
        if has_permission(user, Permission.DECISION_MANAGE):
            items.append((reverse("decisions:list"), _("Beslut")))
        if has_permission(user, Permission.DECISION_REPORT_VIEW):
            items.append((reverse("decisions:reports"), _("Kvartalsrapporter")))
        if has_permission(user, Permission.YEAREND_VIEW):
            items.append((reverse("yearend:list"), _("Årsbokslut")))
        if has_permission(user, Permission.FORBUND_ECONOMY_MANAGE):
            items.append((reverse("forbund:budgets"), _("Budget")))
            items.append((reverse("forbund:agreements"), _("Överenskommelser")))
            items.append((reverse("forbund:tracking"), _("Leveranser")))
        if has_permission(user, Permission.LEXHELLER_VIEW_PUBLISHED):
            items.append((reverse("lexheller:list"), _("Lex Heller")))
        if has_permission(user, Permission.ORGANISATION_VIEW):
            items.append((reverse("organisations:list"), _("Organisationer")))
        if has_permission(user, Permission.AUDIT_VIEW):
            items.append((reverse("audit:search"), _("Logg")))
        if has_permission(user, Permission.USERS_MANAGE):
            items.append((reverse("accounts:user_list"), _("Användare")))
        elif has_permission(user, Permission.ACCESS_REVIEW_VIEW):
            items.append((reverse("accounts:access_review"), _("Behörigheter")))
    current = request.path
    return {"nav_items": [{"url": url, "label": label, "current": current == url} for url, label in items]}
