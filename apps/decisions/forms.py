from __future__ import annotations

import contextlib
import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.concurrency import version_field
from apps.core.forms import date_field
from apps.organisations.models import Organisation
from lib.identity_numbers import InvalidIdentityNumber, parse_identity_number

from .models import (
    CommitteeSettings,
    DecisionEventKind,
    DecisionType,
    DelayReason,
    EndReason,
    IvoArea,
    LegalBasis,
    LegalBasisKind,
)
from .selectors import bases_for_new_decisions, sorted_bases

# A choice outside the list only comes from a tampered or stale form; say which field.
CHOICE = _("Välj ett av alternativen i listan.")


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


def _legal_basis_label(basis: LegalBasis) -> str:
    return f"{basis.short_label} – {basis.statute}"


def _ivo_area_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Inriktning för beslutet (till IVO)"),
        required=False,
        choices=[("", _("Ej angiven")), *IvoArea.choices],
        help_text=_("Som IVO:s individrapport för individ- och familjeomsorg frågar. Behövs inte för LSS."),
        error_messages={"invalid_choice": CHOICE},
    )


def _protected_identity_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Personen har skyddade personuppgifter"),
        required=False,
        help_text=_("Skrivs i informationsrutan i IVO:s e-tjänst."),
    )


class DecisionForm(MunicipalityChoiceMixin):
    reference = forms.CharField(
        label=_("Referens (ärende- eller diarienummer)"),
        max_length=60,
        error_messages={
            "required": _("Ange kommunens ärende- eller diarienummer."),
            "max_length": _("Referensen får vara högst %(limit_value)d tecken."),
        },
    )
    person = forms.CharField(
        label=_("Person: personnummer eller kod"),
        max_length=20,
        help_text=_("Personen ska finnas i kommunens personregister."),
        error_messages={
            "required": _("Ange personnummer eller kod."),
            "max_length": _("Ange personnummer (ÅÅÅÅMMDDNNNN) eller personens kod."),
        },
    )
    decision_date = date_field(_("Beslutsdatum"))
    decision_type = forms.ModelChoiceField(
        label=_("Typ av beslut"),
        queryset=DecisionType.objects.filter(active=True),
        error_messages={"required": _("Välj typ av beslut."), "invalid_choice": CHOICE},
    )
    legal_basis = forms.ModelChoiceField(
        label=_("Lagrum"),
        queryset=LegalBasis.objects.filter(kind=LegalBasisKind.DECISION),
        help_text=_("Bara lagrum som gäller på beslutsdatumet visas."),
        error_messages={"required": _("Välj lagrum."), "invalid_choice": CHOICE},
    )
    caseworker = forms.CharField(
        label=_("Ansvarig handläggare"),
        max_length=150,
        required=False,
        error_messages={"max_length": _("Högst %(limit_value)d tecken.")},
    )
    delay_reason = forms.ChoiceField(
        label=_("Skäl till dröjsmål"),
        required=False,
        choices=[("", _("Inget ännu")), *DelayReason.choices],
        error_messages={"invalid_choice": CHOICE},
    )
    delay_reason_text = forms.CharField(
        label=_("Skäl, beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ivo_area = _ivo_area_field()
    protected_identity = _protected_identity_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer the legal bases in force on the decision date (today's on a new form), in number
        # order; any decision basis is still accepted, so the service can say why one is wrong.
        day = timezone.localdate()
        if self.is_bound:
            with contextlib.suppress(ValueError):
                day = datetime.date.fromisoformat(str(self.data.get(self.add_prefix("decision_date"), "")))
        field = self.fields["legal_basis"]
        assert isinstance(field, forms.ModelChoiceField)
        field.widget.choices = [
            ("", "---------"),
            *((b.pk, _legal_basis_label(b)) for b in bases_for_new_decisions(day)),
        ]

    def clean_person(self) -> str:
        text = str(self.cleaned_data["person"]).strip()
        # Something that looks like a number is checked as one, so a mistyped personnummer says
        # what is wrong with it rather than that nobody has it.
        if re.fullmatch(r"[\d\s+-]+", text):
            try:
                parse_identity_number(text)
            except InvalidIdentityNumber as exc:
                raise forms.ValidationError(exc.message, code=exc.kind.value) from exc
        return text


class WaitingForm(forms.Form):
    expected_version = version_field()
    caseworker = forms.CharField(
        label=_("Ansvarig handläggare"),
        max_length=150,
        required=False,
        error_messages={"max_length": _("Högst %(limit_value)d tecken.")},
    )
    delay_reason = forms.ChoiceField(
        label=_("Skäl till dröjsmål"),
        required=False,
        choices=[("", _("Inget angivet")), *DelayReason.choices],
        error_messages={"invalid_choice": CHOICE},
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
    ivo_area = _ivo_area_field()
    protected_identity = _protected_identity_field()


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Händelse"),
        choices=DecisionEventKind.choices,
        error_messages={"required": _("Välj en händelse."), "invalid_choice": CHOICE},
    )
    date = date_field(_("Datum"))
    missing_part = forms.CharField(label=_("Det som ännu inte är verkställt (vid delvis verkställt)"), required=False)
    end_reason = forms.ChoiceField(
        label=_("Avslutsorsak (vid avslut)"),
        required=False,
        choices=[("", _("Ingen")), *EndReason.choices],
        error_messages={"invalid_choice": CHOICE},
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


def _text(label: Any, *, required: bool = False, max_length: int = 150, required_message: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": required_message or _("Fyll i fältet."),
            "max_length": _("Högst %(limit_value)d tecken."),
        },
    )


FORMAT_CHOICES = [("docx", _("Word (DOCX, redigerbar)")), ("pdf", "PDF")]


class MemoForm(forms.Form):
    date = date_field(_("Datum"))
    officer = _text(_("Handläggare"), required=True, required_message=_("Ange handläggare."))
    officer_title = _text(_("Handläggarens titel"))
    direct_number = _text(_("Handläggarens direktnummer"), max_length=40)
    diary_number = _text(_("Diarienummer"), required=True, max_length=60, required_message=_("Ange diarienummer."))
    manager_name = _text(_("Förvaltningschef"))
    manager_title = _text(_("Förvaltningschefens titel"))
    approver_name = _text(_("Godkännare av tjänsteskrivelsen"))
    approved_on = date_field(_("Godkänd datum"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, error_messages={"invalid_choice": CHOICE, "required": CHOICE}
    )


class CommitteeSettingsForm(forms.ModelForm[CommitteeSettings]):
    class Meta:
        model = CommitteeSettings
        fields = ["committee_name", "scope", "scope_appendix", "manager_name", "manager_title", "approver_name"]
        widgets = {"scope_appendix": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "committee_name": {"required": _("Ange nämndens namn."), "max_length": _("Högst %(limit_value)d tecken.")},
            "scope": {"max_length": _("Högst %(limit_value)d tecken.")},
            "manager_name": {"max_length": _("Högst %(limit_value)d tecken.")},
            "manager_title": {
                "required": _("Ange förvaltningschefens titel."),
                "max_length": _("Högst %(limit_value)d tecken."),
            },
            "approver_name": {"max_length": _("Högst %(limit_value)d tecken.")},
        }


class CommitteeDecisionForm(forms.Form):
    decided_on = date_field(_("Nämndens sammanträdesdatum"))
    paragraph = forms.IntegerField(
        label=_("Paragraf (§)"),
        min_value=1,
        max_value=9999,
        error_messages={
            "required": _("Ange paragrafen i nämndens protokoll."),
            "invalid": _("Ange paragrafen som ett heltal, t.ex. 19."),
            "min_value": _("Paragrafen är ett heltal från 1."),
            "max_value": _("Paragrafen kan vara högst 9999."),
        },
    )
    working_committee_on = date_field(_("Arbetsutskottets sammanträdesdatum"), required=False)
    diary_number = _text(_("Diarienummer"), required=True, max_length=60, required_message=_("Ange diarienummer."))
    decision_text = forms.CharField(
        label=_("Beslut"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv nämndens beslut.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decided, working = data.get("decided_on"), data.get("working_committee_on")
        if decided and working and working > decided:
            self.add_error(
                "working_committee_on",
                _("Arbetsutskottet sammanträder före nämnden (nämnden: %(day)s).") % {"day": decided.isoformat()},
            )
        return data


class DispatchForm(forms.Form):
    dispatched_on = date_field(_("Expedierat datum"))


class ProtocolFormatForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, error_messages={"invalid_choice": CHOICE, "required": CHOICE}
    )


class IvoEntryForm(forms.Form):
    row = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": CHOICE, "invalid": CHOICE})
    entered_on = date_field(_("Inrapporterad i IVO:s e-tjänst"))


class IvoClosureForm(forms.Form):
    entered_on = date_field(_("Rapporterad till IVO:s e-tjänst"))


class ExportForm(MunicipalityChoiceMixin):
    """Which municipality's register to take out as a file."""


class ImportForm(MunicipalityChoiceMixin):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        error_messages={
            "required": _("Välj en fil."),
            "empty": _("Filen är tom."),
            "invalid": _("Det som skickades är ingen fil; välj filen igen."),
            "missing": _("Ingen fil kom fram; välj filen igen."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.INSYN_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("Filen är %(size).0f MB; högst %(limit)d MB tas emot.")
                % {"size": upload.size / (1024 * 1024), "limit": limit}
            )
        return upload


TEXT_ERRORS = {"max_length": _("Högst %(limit_value)d tecken.")}
DATE_ERRORS = {"invalid": _("Ange datum som ÅÅÅÅ-MM-DD."), "required": _("Ange datum.")}


class LegalBasisForm(forms.ModelForm[LegalBasis]):
    class Meta:
        model = LegalBasis
        fields = ["code", "kind", "label", "short_label", "statute", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "code": {
                "required": _("Ange en kod, t.ex. sol2025-11-1."),
                "invalid": _("Koden får bara innehålla bokstäver a–z, siffror, bindestreck och understreck."),
                **TEXT_ERRORS,
            },
            "kind": {"required": _("Välj slag."), "invalid_choice": CHOICE},
            "label": {"required": _("Ange lagrummet som det skrivs, t.ex. 11 kap. 1 § SoL."), **TEXT_ERRORS},
            "short_label": {
                "required": _("Ange den form som visas, t.ex. 4.1 § SoL eller 11 kap. 1 § SoL."),
                **TEXT_ERRORS,
            },
            "statute": {"required": _("Ange författningen, t.ex. socialtjänstlagen (2025:400)."), **TEXT_ERRORS},
            "valid_from": {
                "required": _("Ange från vilket datum lagrummet gäller."),
                "invalid": DATE_ERRORS["invalid"],
            },
            "valid_to": {"invalid": DATE_ERRORS["invalid"]},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            # Said here, on the field, before the database's own rule (legal_basis_period_ordered).
            self.add_error(
                "valid_to",
                _("Gäller till och med (%(end)s) kan inte ligga före gäller från (%(start)s).")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        return data


class DecisionTypeForm(forms.ModelForm[DecisionType]):
    class Meta:
        model = DecisionType
        fields = ["name", "ivo_name", "legal_bases", "active"]
        widgets = {"legal_bases": forms.CheckboxSelectMultiple}
        error_messages = {
            "name": {"required": _("Ange namnet på typen av beslut."), **TEXT_ERRORS},
            "ivo_name": TEXT_ERRORS,
            "legal_bases": {
                "required": _("Välj minst ett lagrum."),
                "invalid_choice": CHOICE,
                "invalid_pk_value": CHOICE,
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["legal_bases"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.widget.choices = [
            (b.pk, f"{b.short_label} ({b.statute}, {b.period_text()})")
            for b in sorted_bases(LegalBasis.objects.filter(kind=LegalBasisKind.DECISION))
        ]
