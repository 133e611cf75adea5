from __future__ import annotations

from django import template

from lib.money import format_kronor

register = template.Library()


@register.filter
def kronor(value: int | None) -> str:
    """1650000 → "1 650 000 kr"."""
    return format_kronor(value)


@register.filter
def negate(value: int | None) -> int | None:
    return None if value is None else -value


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key)
