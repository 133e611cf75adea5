"""`{% letterhead organisation user=… date=… handlaggare=… %}`: the shared letterhead of every
PDF (core/_letterhead.html) with this app's data. `organisation` may be an Organisation or, for
documents whose context holds only names, the organisation's name."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from ..letterhead import letterhead_for
from ..models import Organisation

register = template.Library()


@register.inclusion_tag("core/_letterhead.html")
def letterhead(
    organisation: Organisation | str | None,
    user: Any = None,
    date: datetime.date | str | None = None,
    handlaggare: str = "",
    footer: bool = True,
    show_meta: bool = True,
) -> dict[str, Any]:
    """`show_meta` false: the document states its date and handläggare in a block of its own."""
    data = letterhead_for(organisation, user, date, handlaggare=handlaggare or "", footer=footer)
    return {"letterhead": data, "show_meta": show_meta}
