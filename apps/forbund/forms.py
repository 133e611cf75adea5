from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.activera.models import ProgrammeUnit
from apps.core.forms import date_field
from apps.organisations.models import Organisation, OrganisationKind

from .models import BudgetGroup, BudgetLine, InvoiceStatus

KRONOR_ERRORS = {"invalid": _("Ange ett belopp i hela kronor, utan mellanslag."), "required": _("Ange ett belopp.")}


def kronor_field(label: Any, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=0, error_messages=KRONOR_ERRORS, help_text=_("Hela kronor.")
    )


class BudgetCreateForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2004, max_value=2100)
    state_allocation = kronor_field(_("Statlig tilldelning (kr)"))
    allocation_note = forms.CharField(
        label=_("Om tilldelningen"), required=False, max_length=200, help_text=_("T.ex. ”Preliminärt besked”.")
    )


class BudgetUpdateForm(forms.Form):
    state_allocation = kronor_field(_("Statlig tilldelning (kr)"))
    allocation_note = forms.CharField(label=_("Om tilldelningen"), required=False, max_length=200)
    adopted_on = date_field(_("Fastställd av styrelsen"), required=False)


class ExecutorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class BudgetLineForm(forms.Form):
    group = forms.ChoiceField(label=_("Grupp"), choices=BudgetGroup.choices)
    label = forms.CharField(label=_("Post"), max_length=200)
    amount = kronor_field(_("Belopp (kr)"), required=False)
    places = forms.IntegerField(label=_("Platser (ca)"), required=False, min_value=0)
    executor = ExecutorChoiceField(
        label=_("Utförare"), required=False, queryset=Organisation.objects.none(), empty_label=_("Ingen")
    )

    def __init__(self, *args: Any, forbund: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.EXECUTOR_UNIT, parent__parent=forbund
        ).order_by("name")


class PopulationsForm(forms.Form):
    population_date = date_field(_("Folkmängd per"))

    def __init__(self, *args: Any, populations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in populations:
            self.fields[f"population_{row.municipality_id}"] = forms.IntegerField(
                label=row.municipality.name, min_value=1, initial=row.population
            )

    def populations(self) -> dict[int, int]:
        return {
            int(name.removeprefix("population_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("population_")
        }


class BudgetCopyForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2004, max_value=2100)
    state_allocation = kronor_field(_("Statlig tilldelning det året (kr)"))
    allocation_note = forms.CharField(label=_("Om tilldelningen"), required=False, max_length=200)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} ({obj.programme.name})"


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.budget.year}: {obj.label}"


class AgreementForm(forms.Form):
    programme_unit = UnitChoiceField(label=_("Utförare"), queryset=ProgrammeUnit.objects.none())
    year = forms.IntegerField(label=_("År"), min_value=2004, max_value=2100)
    executor_party = forms.CharField(
        label=_("Utförande part"),
        max_length=200,
        help_text=_("Som i överenskommelsen, t.ex. ”Alingsås kommun, Kommunkansliet”."),
    )
    reference = forms.CharField(label=_("Diarienummer"), required=False, max_length=40)
    period_start = date_field(_("Gäller från"))
    period_end = date_field(_("Gäller till"))
    budget_line = BudgetLineChoiceField(
        label=_("Budgetpost"),
        required=False,
        queryset=BudgetLine.objects.none(),
        help_text=_("Utan belopp eller platser tas budgetpostens."),
    )
    max_amount = kronor_field(_("Avtalad summa, högst (kr)"), required=False)
    places = forms.IntegerField(label=_("Platser (ca)"), required=False, min_value=0)
    signed_by_forbund_on = date_field(_("Undertecknad av förbundet"), required=False)
    signed_by_executor_on = date_field(_("Undertecknad av utföraren"), required=False)
    due_dates_move_to_working_day = forms.BooleanField(
        label=_("Överenskommelsen flyttar en förfallodag som inte är vardag till nästa vardag"),
        required=False,
        help_text=_("Annars gäller överenskommelsens datum, t.ex. 10 september, även en lördag."),
    )

    def __init__(self, *args: Any, forbund: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_unit"].queryset = (  # type: ignore[attr-defined]
            ProgrammeUnit.objects.filter(programme__forbund=forbund)
            .select_related("unit", "programme")
            .order_by("unit__name")
        )
        self.fields["budget_line"].queryset = (  # type: ignore[attr-defined]
            BudgetLine.objects.filter(budget__forbund=forbund, group=BudgetGroup.INDIVIDUAL)
            .select_related("budget")
            .order_by("-budget__year", "position")
        )


class AgreementUpdateForm(AgreementForm):
    def __init__(self, *args: Any, forbund: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, forbund=forbund, **kwargs)
        for name in ("programme_unit", "year", "budget_line"):
            del self.fields[name]
        self.fields["max_amount"].required = True
        self.fields["places"].required = True
        self.fields["monthly_unprotected"] = forms.BooleanField(
            label=_(
                "Överenskommelsen begär uttryckligen att månadsrapporten om intresseanmälningar lämnas utan "
                "skydd för små antal"
            ),
            required=False,
            help_text=_("Annars döljs små antal även där, som i alla andra tabeller."),
        )
        self.fields["unprotected_clause"] = forms.CharField(
            label=_("Var står det? (paragraf eller lydelse)"), required=False, max_length=300
        )


class InvoiceMarkForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Ny status"), choices=[(s.value, s.label) for s in InvoiceStatus if s != InvoiceStatus.TO_SEND]
    )
    on_date = date_field(_("Datum"))
