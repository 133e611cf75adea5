from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import date_field
from apps.core.text_guard import NamesConfirmationMixin
from apps.organisations.models import Organisation

from .models import Period, SignalStep, YearReport

CHOICE = _("Välj ett av alternativen i listan.")


def _text(label: Any, *, max_length: int, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": _("Fyll i fältet."),
            "max_length": _("Högst %(limit_value)d tecken."),
        },
        **kwargs,
    )


class YearReportCreateForm(forms.Form):
    namnd = forms.ModelChoiceField(
        label=_("Nämnd"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": _("Välj nämnd."), "invalid_choice": _("Välj en av dina nämnder.")},
    )
    year = forms.IntegerField(
        label=_("År"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Ange år."),
            "invalid": _("Ange året med fyra siffror."),
            "min_value": _("Ange ett år från 2000."),
            "max_value": _("Ange ett år till och med 2100."),
        },
    )
    period = forms.ChoiceField(
        label=_("Slag"),
        choices=Period.choices,
        error_messages={"required": _("Välj slag."), "invalid_choice": CHOICE},
    )

    def __init__(self, *args: Any, namnds: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["namnd"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[n.pk for n in namnds]).order_by("name")


class ReportTextForm(NamesConfirmationMixin, forms.Form):
    # The årsbokslut is published: its texts pass the guard for outgoing text.
    guarded_fields = ("body",)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Stycken skiljs åt med en tom rad."),
    )


class GoalAssessmentForm(forms.Form):
    """The decision on the municipality's signal scale (the steps are read once for the page, not
    once per goal's form)."""

    step = forms.ChoiceField(
        label=_("Bedömning"),
        required=False,
        error_messages={"invalid_choice": _("Välj ett steg på kommunens signalskala.")},
    )
    reason = forms.CharField(
        label=_("Skäl om bedömningen avviker från förslaget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, scale: list[SignalStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = {str(step.pk): step for step in scale}
        field = self.fields["step"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Ej bedömd")), *((pk, f"{s.symbol} {s.label}") for pk, s in self.scale.items())]

    def clean_step(self) -> SignalStep | None:
        return self.scale.get(self.cleaned_data["step"] or "")


class YearReportHeadForm(forms.Form):
    document_type = _text(_("Dokumenttyp"), max_length=120, required=True)
    decision_body = _text(_("Beslutande instans"), max_length=120, required=True)
    decision_date = date_field(_("Datum för beslut"), required=False)
    diary_number = _text(_("Diarienummer"), max_length=40)
    memo_date = date_field(_("Datum för tjänsteskrivelsen"), required=False)
    officer_name = _text(_("Handläggare"), max_length=120)
    officer_title = _text(_("Handläggarens titel"), max_length=120)
    direct_number = _text(_("Direktnummer"), max_length=40)
    manager_name = _text(_("Förvaltningschef"), max_length=120)
    manager_title = _text(_("Förvaltningschefens titel"), max_length=120)
    recipients = forms.CharField(
        label=_("Beslutet ska skickas till"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En mottagare per rad."),
    )

    @classmethod
    def initial_of(cls, report: YearReport) -> dict[str, Any]:
        return {name: getattr(report, name) for name in cls.base_fields}
