from __future__ import annotations

from typing import Any

from django import template

from apps.sso.errors import REFUSAL_MESSAGES
from apps.sso.selectors import active_providers

register = template.Library()


@register.inclusion_tag("sso/_login_buttons.html", takes_context=True)
def sso_login_buttons(context: dict[str, Any]) -> dict[str, Any]:
    """The login page's "Logga in via …" buttons, one per active identity provider."""
    return {"providers": list(active_providers()), "next": context.get("next", "")}


@register.inclusion_tag("sso/_password_refusal.html")
def sso_password_refusal() -> dict[str, Any]:
    """Why a password was refused: the user's organisation signs on through its provider."""
    return {"message": REFUSAL_MESSAGES["local_password_disallowed"]}
