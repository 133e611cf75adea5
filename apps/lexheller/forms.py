from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import date_field
from apps.core.text_guard import NamesConfirmationMixin
from apps.organisations.models import Organisation

from .models import BugMeeting

NO_PERSONS = _(
    "Beskriv situationen och strukturen, aldrig en enskild person: inga namn, personnummer eller kontaktuppgifter."
)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AuthoritiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ReportForm(NamesConfirmationMixin, forms.Form):
    # Every text of a report leaves the filer's municipality (apps/core/text_guard.py).
    guarded_fields = ("title", "description", "cause", "consequence", "proposal")
    reporting_organisation = OrganisationChoiceField(
        label=_("Rapporterande organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    incident_date = date_field(_("Datum för händelsen"))
    authorities = AuthoritiesField(
        label=_("Inblandade myndigheter"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Vad hände?"), widget=forms.Textarea(attrs={"rows": 5}), help_text=NO_PERSONS)
    cause = forms.CharField(
        label=_("Vilken regel eller struktur orsakade det?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    consequence = forms.CharField(
        label=_("Vilken blev konsekvensen för de enskilda?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    proposal = forms.CharField(label=_("Förslag"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisations: list[Organisation], authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporting_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )
        self.fields["authorities"].queryset = authorities  # type: ignore[attr-defined]


class TextForm(NamesConfirmationMixin, forms.Form):
    guarded_fields = ("text",)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_PERSONS)


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.date.isoformat()} {obj.place}".strip()


class RaiseForm(forms.Form):
    meeting = MeetingChoiceField(label=_("BUG-möte"), queryset=BugMeeting.objects.none())
    accept_short_notice = forms.BooleanField(
        label=_("Lyft ändå, trots att det är mindre än två veckor till mötet"), required=False
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class AnswerForm(NamesConfirmationMixin, forms.Form):
    guarded_fields = ("answer",)
    answer = forms.CharField(label=_("BUG:s svar"), widget=forms.Textarea(attrs={"rows": 4}), help_text=NO_PERSONS)


class CloseForm(NamesConfirmationMixin, forms.Form):
    guarded_fields = ("reason",)
    reason = forms.CharField(
        label=_("Skäl för att avsluta"), widget=forms.Textarea(attrs={"rows": 2}), help_text=NO_PERSONS
    )


class EmptyForm(forms.Form):
    pass


class MeetingForm(forms.Form):
    date = date_field(_("Datum"))
    place = forms.CharField(label=_("Plats"), required=False, max_length=200)


class PeriodForm(forms.Form):
    start = date_field(_("Från"))
    end = date_field(_("Till"))
