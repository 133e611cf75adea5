from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AuditAction


class AuditSearchForm(forms.Form):
    person_code = forms.CharField(label=_("Personkod"), required=False, max_length=20)
    username = forms.CharField(label=_("Användare"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Händelse"), required=False, choices=[("", _("Alla händelser")), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label=_("Från och med datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ange datum som ÅÅÅÅ-MM-DD.")},
    )
    date_to = forms.DateField(
        label=_("Till och med datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ange datum som ÅÅÅÅ-MM-DD.")},
    )

    def clean_person_code(self) -> str:
        from lib.pseudonyms import normalise_code

        value = str(self.cleaned_data.get("person_code") or "")
        return normalise_code(value) if value else ""

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatumet kan inte ligga före startdatumet."))
        return data


class LetterheadForm(forms.Form):
    """An organisation's letterhead: a new logo (PNG or SVG, at most 200 kB), removing the logo,
    and the address line under the name."""

    logo = forms.FileField(
        label=_("Logotyp"),
        required=False,
        help_text=_("PNG eller SVG, högst 200 kB. Lämna tomt för att behålla nuvarande logotyp."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml,.png,.svg"}),
    )
    remove_logo = forms.BooleanField(label=_("Ta bort logotypen"), required=False)
    address_line = forms.CharField(
        label=_("Adressrad"),
        required=False,
        max_length=200,
        help_text=_("Visas under namnet, till exempel postadress och telefon."),
        error_messages={"max_length": _("Adressraden får vara högst %(limit_value)d tecken.")},
    )

    def clean_logo(self) -> bytes | None:
        from django.core.exceptions import ValidationError

        from apps.organisations.letterhead import LOGO_MAX_BYTES, logo_validate

        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError(_("Logotypen får vara högst 200 kB."))
        data = upload.read()
        logo_validate(data, upload.name.lower())
        return bytes(data)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("remove_logo") and cleaned.get("logo"):
            self.add_error("remove_logo", _("Välj antingen en ny logotyp eller att ta bort den, inte båda."))
        return cleaned
