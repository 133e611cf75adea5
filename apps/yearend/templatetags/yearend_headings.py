"""The report page's headings, whose level follows the section's: `{% heading_open 3 "title-" key %}`
writes `<h3 id="title-key">`. A tag rather than `<h{{ level }} id="…">` in the template, so that the
tag's markup is not read as text a person sees (apps/core/i18n_check.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def heading_open(level: int, *id_parts: object, css_class: str = "") -> SafeString:
    """The start tag `<h{level}>`, with the id made of `id_parts` and the class, when given."""
    identifier = "".join(str(part) for part in id_parts)
    if identifier and css_class:
        return format_html('<h{} id="{}" class="{}">', level, identifier, css_class)
    if identifier:
        return format_html('<h{} id="{}">', level, identifier)
    if css_class:
        return format_html('<h{} class="{}">', level, css_class)
    return format_html("<h{}>", level)
