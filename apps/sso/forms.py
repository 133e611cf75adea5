from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LinkForm(forms.Form):
    subject = forms.CharField(
        label=_("Identifierare hos identitetsleverantören"),
        max_length=255,
        help_text=_("Subjekt (sub), objekt-id (oid) eller anställningsnummer – aldrig namn eller e-post."),
        error_messages={"required": _("Ange identifieraren.")},
    )
    username = forms.CharField(
        label=_("Användarnamn i Insyn"), max_length=150, error_messages={"required": _("Ange användarnamnet.")}
    )


class PasswordSwitchForm(forms.Form):
    local_passwords_allowed = forms.TypedChoiceField(
        label=_("Lokala lösenord"),
        choices=[("on", _("Tillåts")), ("off", _("Tillåts inte – bara inloggning via identitetsleverantören"))],
        coerce=lambda value: value == "on",
        error_messages={"required": _("Välj om lokala lösenord tillåts.")},
    )
