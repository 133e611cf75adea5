from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


class PersonForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": _("Välj kommun."), "invalid_choice": _("Välj en av dina kommuner.")},
    )
    identity_number = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        help_text=_("Tolv siffror (ÅÅÅÅMMDDNNNN) eller ÅÅMMDD-NNNN."),
        max_length=20,
        error_messages={"required": _("Ange personnummer eller samordningsnummer.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=100, error_messages={"required": _("Ange förnamn.")})
    last_name = forms.CharField(label=_("Efternamn"), max_length=100, error_messages={"required": _("Ange efternamn.")})

    def __init__(self, *args: Any, municipalities: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[org.pk for org in municipalities])
        if len(municipalities) == 1:
            field.initial = municipalities[0].pk


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Sök på personnummer, kod eller namn"), required=False, max_length=100)
