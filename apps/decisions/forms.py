from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.core.concurrency import version_field
from apps.core.forms import date_field
from apps.organisations.models import Organisation

from .models import DecisionEventKind, DecisionType, DelayReason, EndReason, LegalBasis, LegalBasisKind


class MunicipalityChoiceMixin(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": _("Välj kommun."), "invalid_choice": _("Välj en av dina kommuner.")},
    )

    def __init__(self, *args: Any, municipalities: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[m.pk for m in municipalities])
        if len(municipalities) == 1:
            field.initial = municipalities[0].pk


class DecisionForm(MunicipalityChoiceMixin):
    reference = forms.CharField(
        label=_("Referens (ärende- eller diarienummer)"),
        max_length=60,
        error_messages={"required": _("Ange kommunens ärende- eller diarienummer.")},
    )
    person = forms.CharField(
        label=_("Person: personnummer eller kod"),
        max_length=20,
        help_text=_("Personen ska finnas i kommunens personregister."),
        error_messages={"required": _("Ange personnummer eller kod.")},
    )
    decision_date = date_field(_("Beslutsdatum"))
    decision_type = forms.ModelChoiceField(
        label=_("Typ av beslut"),
        queryset=DecisionType.objects.filter(active=True),
        error_messages={"required": _("Välj typ av beslut.")},
    )
    legal_basis = forms.ModelChoiceField(
        label=_("Lagrum"),
        queryset=LegalBasis.objects.filter(kind=LegalBasisKind.DECISION),
        error_messages={"required": _("Välj lagrum.")},
    )
    caseworker = forms.CharField(label=_("Ansvarig handläggare"), max_length=150, required=False)
    delay_reason = forms.ChoiceField(
        label=_("Skäl till dröjsmål"), required=False, choices=[("", _("Inget ännu")), *DelayReason.choices]
    )
    delay_reason_text = forms.CharField(
        label=_("Skäl, beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WaitingForm(forms.Form):
    expected_version = version_field()
    caseworker = forms.CharField(label=_("Ansvarig handläggare"), max_length=150, required=False)
    delay_reason = forms.ChoiceField(
        label=_("Skäl till dröjsmål"), required=False, choices=[("", _("Inget angivet")), *DelayReason.choices]
    )
    delay_reason_text = forms.CharField(
        label=_("Skäl, beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consequences = forms.CharField(
        label=_("Konsekvenser för den enskilde"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    interim_support = forms.CharField(
        label=_("Annat stöd under väntetiden"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Händelse"), choices=DecisionEventKind.choices, error_messages={"required": _("Välj en händelse.")}
    )
    date = date_field(_("Datum"))
    missing_part = forms.CharField(label=_("Det som ännu inte är verkställt (vid delvis verkställt)"), required=False)
    end_reason = forms.ChoiceField(
        label=_("Avslutsorsak (vid avslut)"), required=False, choices=[("", _("Ingen")), *EndReason.choices]
    )
    end_reason_text = forms.CharField(label=_("Avslutsorsak, beskrivning (vid Annat)"), required=False)


class OfferForm(forms.Form):
    offered_on = date_field(_("Insatsen erbjöds"))
    declined = forms.BooleanField(label=_("Den enskilde tackade nej"), required=False)
    note = forms.CharField(label=_("Anteckning"), required=False)


class ReportPrepareForm(MunicipalityChoiceMixin):
    quarter = forms.RegexField(
        label=_("Kvartal"),
        regex=r"^\d{4}\s*[Qq][1-4]$",
        max_length=7,
        help_text=_("T.ex. 2026Q3"),
        error_messages={"invalid": _("Ange kvartal som ÅÅÅÅQn, t.ex. 2026Q3."), "required": _("Ange kvartal.")},
    )
    as_of = date_field(_("Rapporteringstillfälle"))


class MemoForm(forms.Form):
    date = date_field(_("Datum"))
    officer = forms.CharField(
        label=_("Handläggare"), max_length=150, error_messages={"required": _("Ange handläggare.")}
    )
    officer_title = forms.CharField(label=_("Handläggarens titel"), max_length=150, required=False)
    diary_number = forms.CharField(
        label=_("Diarienummer"), max_length=60, error_messages={"required": _("Ange diarienummer.")}
    )
    format = forms.ChoiceField(label=_("Format"), choices=[("docx", _("Word (DOCX, redigerbar)")), ("pdf", "PDF")])


class ImportForm(MunicipalityChoiceMixin):
    file = forms.FileField(label=_("Fil (CSV eller XLSX)"), error_messages={"required": _("Välj en fil.")})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.INSYN_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("Filen är %(size).0f MB; högst %(limit)d MB tas emot.")
                % {"size": upload.size / (1024 * 1024), "limit": limit}
            )
        return upload


class LegalBasisForm(forms.ModelForm[LegalBasis]):
    class Meta:
        model = LegalBasis
        fields = ["code", "kind", "label", "short_label", "statute", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class DecisionTypeForm(forms.ModelForm[DecisionType]):
    class Meta:
        model = DecisionType
        fields = ["name", "legal_bases", "active"]
        widgets = {"legal_bases": forms.CheckboxSelectMultiple}
