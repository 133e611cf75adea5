from __future__ import annotations

import datetime

from django import template

from lib.money import format_kronor
from lib.report_numbers import format_number
from lib.swedish import MONTHS

register = template.Library()


@register.filter
def kronor(value: int | None) -> str:
    """1650000 → "1 650 000 kr"."""
    return format_kronor(value)


@register.filter
def number(value: int | None) -> str:
    """42300 → "42 300" (a no-break space between thousands); nothing for None."""
    return "" if value is None else format_number(value).replace(" ", "\u00a0")


@register.filter
def negate(value: int | None) -> int | None:
    return None if value is None else -value


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key)


@register.filter
def long_date(value: datetime.date | None) -> str:
    """ "20 februari 2027", in Swedish whatever language the browser asks for."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
