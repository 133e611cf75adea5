from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Lösenord"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Engångskod"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": _("Ange de sex siffrorna från autentiseringsappen."),
            "required": _("Ange engångskoden."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
        help_text=_("Sex siffror från din autentiseringsapp."),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class ApiTokenFilterForm(forms.Form):
    anvandare = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "type": "search"}),
        help_text=_("Visa bara den här användarens nycklar."),
    )
