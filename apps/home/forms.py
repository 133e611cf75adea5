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
