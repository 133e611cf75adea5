"""Forms of the user administration pages. Choices come from the actor's reach."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import date_field
from apps.organisations.models import Organisation

from .admin_scope import grantable_organisations, grantable_roles
from .models import User
from .services_admin import grant_date_problem, username_problems


class UserSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocapitalize": "none"}),
        help_text=_("Användarnamn, namn eller e-postadress."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), ("aktiva", _("Aktiva")), ("inaktiva", _("Inaktiverade"))],
    )


class _OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Organisation)
        return f"{obj.name} ({obj.slug})"


def _organisation_field(actor: User) -> forms.ModelChoiceField:
    return _OrganisationChoice(
        label=_("Organisation"),
        queryset=grantable_organisations(actor),
        empty_label=_("Välj organisation"),
        error_messages={"required": _("Välj organisation."), "invalid_choice": _("Välj en organisation i listan.")},
    )


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
        error_messages={"required": _("Ange ett användarnamn.")},
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-postadress"),
        help_text=_("Inbjudan med en engångslänk skickas hit."),
        error_messages={"required": _("Ange e-postadressen."), "invalid": _("Ange en giltig e-postadress.")},
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _organisation_field(actor)
        self.fields["organisation"].help_text = _("Den organisation personen bjuds in till.")

    def clean_username(self) -> str:
        # The service checks the same; here too, so that every problem shows in the first round.
        username = str(self.cleaned_data["username"]).strip()
        problems = username_problems(username)
        if problems:
            raise forms.ValidationError(problems)
        return username


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-postadress"),
        error_messages={"required": _("Ange e-postadressen."), "invalid": _("Ange en giltig e-postadress.")},
    )


class GrantForm(forms.Form):
    valid_from = date_field(_("Gäller från"), required=False)
    valid_until = date_field(_("Gäller till"), required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(
            label=_("Roll"),
            choices=[("", _("Välj roll"))] + [(role.value, role.label) for role in grantable_roles(actor)],
            error_messages={"required": _("Välj en roll."), "invalid_choice": _("Välj en roll i listan.")},
        )
        self.fields["organisation"] = _organisation_field(actor)
        self.order_fields(["role", "organisation", "valid_from", "valid_until"])
        self.fields["valid_from"].help_text = _("Tomt: från i dag.")
        self.fields["valid_until"].help_text = _("Tomt: tills vidare. Rollen upphör av sig själv efter dagen.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("valid_from", "valid_until"):
            problem = grant_date_problem(data.get(name))
            if problem is not None:
                self.add_error(name, problem)
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Slutdatum kan inte vara före startdatum."))
        return data


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(
        label=_("Nytt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Ange ett lösenord.")},
        help_text=_("Minst tolv tecken; inte för likt ditt namn och inte ett vanligt lösenord."),
    )
    password_again = forms.CharField(
        label=_("Lösenordet igen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Skriv lösenordet en gång till.")},
    )
