from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import pgettext

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission, second_factor_pending


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    # A context: the menu's "Användare" is the users' page, not one user (as elsewhere).
    if isinstance(user, User) and user.is_authenticated and not second_factor_pending(user):
        items.append((reverse("home:start"), pgettext("main menu", "Start")))
        if has_permission(user, Permission.PERSON_VIEW):
            items.append((reverse("people:list"), pgettext("main menu", "Personregister")))
        if has_permission(user, Permission.PARTICIPANT_MANAGE):
            items.append((reverse("activera:home"), pgettext("main menu", "Deltagare")))
        if has_permission(user, Permission.AGREEMENT_VIEW_OWN):
            items.append((reverse("forbund:own_agreements"), pgettext("main menu", "Vår överenskommelse")))
        if has_permission(user, Permission.DECISION_MANAGE):
            items.append((reverse("decisions:list"), pgettext("main menu", "Beslut")))
        if has_permission(user, Permission.DECISION_REPORT_VIEW):
            items.append((reverse("decisions:reports"), pgettext("main menu", "Kvartalsrapporter")))
        if has_permission(user, Permission.YEAREND_VIEW):
            items.append((reverse("yearend:list"), pgettext("main menu", "Årsbokslut")))
        if has_permission(user, Permission.FORBUND_ECONOMY_MANAGE):
            items.append((reverse("forbund:budgets"), pgettext("main menu", "Budget")))
            items.append((reverse("forbund:agreements"), pgettext("main menu", "Överenskommelser")))
            items.append((reverse("forbund:tracking"), pgettext("main menu", "Leveranser")))
        if has_permission(user, Permission.LEXHELLER_VIEW_PUBLISHED):
            items.append((reverse("lexheller:list"), pgettext("main menu", "Lex Heller")))
        if has_permission(user, Permission.ORGANISATION_VIEW):
            items.append((reverse("organisations:list"), pgettext("main menu", "Organisationer")))
        if has_permission(user, Permission.AUDIT_VIEW):
            items.append((reverse("audit:search"), pgettext("main menu", "Logg")))
        if has_permission(user, Permission.USERS_MANAGE):
            items.append((reverse("accounts:user_list"), pgettext("main menu", "Användare")))
        elif has_permission(user, Permission.ACCESS_REVIEW_VIEW):
            items.append((reverse("accounts:access_review"), pgettext("main menu", "Behörigheter")))
    current = request.path
    return {"nav_items": [{"url": url, "label": label, "current": current == url} for url, label in items]}
