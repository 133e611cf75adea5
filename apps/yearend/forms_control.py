"""The forms of the internal control page: the plan's points, their follow-up and inner tables,
Bilaga 2's rows, and the styrmodell's signal scale and due dates. They parse what was typed; the
services in services/control*.py decide what may be saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.swedish import MONTHS

from .models import ControlPoint, ControlResultTable, GovernanceSettings, ProviderFollowUp, SignalStep
from .models.control import ControlAssessment
from .services.control import result_grid_text
from .services.control_styrmodell import StepInput

REQUIRED = {"required": _("Fyll i fältet."), "max_length": _("Högst %(limit_value)d tecken.")}
NUMBER = {"invalid": _("Ange ett heltal."), "min_value": _("Ange ett tal från %(limit_value)s.")}


def _text(label: Any, *, rows: int = 3, required: bool = True, max_length: int | None = None, **kw: Any) -> Any:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=widget, error_messages=REQUIRED, **kw
    )


def _position(label: Any = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Ordning"),
        required=False,
        min_value=1,
        help_text=_("1 är först. Lämna tomt för att behålla ordningen (en ny hamnar sist)."),
        error_messages=NUMBER,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )


class ControlPointForm(forms.Form):
    risk = _text(_("Identifierad risk"))
    checked = _text(_("Vad kontrolleras?"))
    frequency = _text(_("Frekvens uppföljning"), rows=0, max_length=120, initial="Del- och årsbokslut")  # i18n: data
    method = _text(_("Metod"))
    position = _position()

    @staticmethod
    def initial_of(point: ControlPoint) -> dict[str, Any]:
        return {"risk": point.risk, "checked": point.checked, "frequency": point.frequency, "method": point.method}


class ControlFollowUpForm(forms.Form):
    assessment = forms.ChoiceField(
        label=_("Bedömning"),
        choices=[
            (ControlAssessment.WITHOUT_REMARK.value, _("● Genomförd utan anmärkning (eller med försumbar anmärkning)")),
            (ControlAssessment.WITH_REMARK.value, _("▲ Genomförd med anmärkning")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj en bedömning."), "invalid_choice": _("Välj en av bedömningarna.")},
    )
    result = _text(_("Resultat"), rows=8, required=False, help_text=_("Stycken skiljs åt med en tom rad."))


class ResultTableForm(forms.Form):
    title = _text(_("Tabellens rubrik"), rows=0, max_length=200)
    columns = _text(
        _("Kolumner"),
        rows=0,
        help_text=_("Kolumnernas rubriker åtskilda med semikolon, till exempel 2020;2021;2022."),
    )
    grid = _text(
        _("Rader"),
        rows=4,
        help_text=_(
            "En rad per rad: benämning och ett heltal per kolumn, åtskilda med semikolon, till exempel "
            "Antal barn orosanmälningar;677;793;830."
        ),
    )
    share_label = _text(
        _("Andelsradens benämning"),
        rows=0,
        required=False,
        help_text=_("Till exempel Andel. Lämna tomt om tabellen inte ska ha någon andelsrad."),
    )
    share_numerator_row = forms.IntegerField(
        label=_("Täljare: radnummer"), required=False, min_value=1, error_messages=NUMBER
    )
    share_denominator_row = forms.IntegerField(
        label=_("Nämnare: radnummer"),
        required=False,
        min_value=1,
        error_messages=NUMBER,
        help_text=_("Andelen är täljarraden delad med nämnarraden, i procent. Första raden är 1."),
    )

    @staticmethod
    def initial_of(table: ControlResultTable) -> dict[str, Any]:
        columns, grid = result_grid_text(table)
        return {
            "title": table.title,
            "columns": columns,
            "grid": grid,
            "share_label": table.share_label,
            "share_numerator_row": table.share_numerator + 1 if table.share_numerator is not None else None,
            "share_denominator_row": table.share_denominator + 1 if table.share_denominator is not None else None,
        }


class ProviderFollowUpForm(forms.Form):
    agreement = _text(_("Berört avtal"), rows=0, max_length=300)
    followed_up = _text(
        _("Vad har följts upp?"), help_text=_("Till exempel vilka mål, krav, riktlinjer eller vilken lagstiftning.")
    )
    met_requirements = forms.TypedChoiceField(
        label=_("Har leverantören i huvudsak uppfyllt väsentliga mål och krav?"),
        choices=[("ja", _("Ja")), ("nej", _("Nej"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Svara Ja eller Nej."), "invalid_choice": _("Svara Ja eller Nej.")},
    )
    shortcomings = _text(_("Om Nej, vilka brister har iakttagits?"), required=False)
    effect = _text(
        _("Hur påverkar bristerna nämndens verksamhet?"),
        required=False,
        help_text=_("Till exempel måluppfyllelse, ej uppfyllda lagkrav, ekonomi."),
    )
    measures = _text(_("Vilka åtgärder har vidtagits med anledning av iakttagna brister?"), required=False)
    position = _position()

    @staticmethod
    def initial_of(provider: ProviderFollowUp) -> dict[str, Any]:
        return {
            "agreement": provider.agreement,
            "followed_up": provider.followed_up,
            "met_requirements": "ja" if provider.met_requirements else "nej",
            "shortcomings": provider.shortcomings,
            "effect": provider.effect,
            "measures": provider.measures,
        }


class SignalScaleForm(forms.Form):
    """One fieldset per step of the scale (and `extra` empty ones for new steps): label, colour,
    symbol, order, and a box to remove it."""

    def __init__(self, *args: Any, scale: list[SignalStep], extra: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps: dict[str, SignalStep | None] = {f"s{s.pk}": s for s in scale}
        self.steps.update({f"n{number}": None for number in range(1, extra + 1)})
        self.groups: list[tuple[str, str, list[str]]] = []
        for number, (key, step) in enumerate(self.steps.items(), start=1):
            if step is not None:
                legend = str(_("Steg %(n)d: %(label)s")) % {"n": step.position, "label": step.label}
                which = str(_("steg %(n)d")) % {"n": step.position}
            else:
                legend = str(_("Nytt steg (lämna tomt om inget ska läggas till)"))
                which = str(_("nytt steg %(n)d")) % {"n": number - len(scale)}
            short = forms.TextInput(attrs={"class": "input--short", "spellcheck": "false"})
            self.fields[f"{key}_label"] = forms.CharField(
                label=_("Benämning, %(which)s") % {"which": which}, required=False, initial=step.label if step else ""
            )
            self.fields[f"{key}_symbol"] = forms.CharField(
                label=_("Symbol, %(which)s") % {"which": which},
                required=False,
                initial=step.symbol if step else "",
                widget=short,
            )
            self.fields[f"{key}_colour"] = forms.CharField(
                label=_("Färg (#rrggbb), %(which)s") % {"which": which},
                required=False,
                initial=step.colour if step else "",
                widget=short,
            )
            self.fields[f"{key}_position"] = forms.IntegerField(
                label=_("Ordning (1 = lägst), %(which)s") % {"which": which},
                required=False,
                initial=step.position if step else None,
                error_messages=NUMBER,
                widget=forms.NumberInput(attrs={"class": "input--short"}),
            )
            names = [f"{key}_label", f"{key}_symbol", f"{key}_colour", f"{key}_position"]
            if step is not None:
                self.fields[f"{key}_remove"] = forms.BooleanField(
                    label=_("Ta bort %(which)s") % {"which": which}, required=False
                )
                names.append(f"{key}_remove")
            self.groups.append((key, legend, names))

    def fieldsets(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "legend": legend, "fields": [self[n] for n in names]} for key, legend, names in self.groups
        ]

    def step_inputs(self) -> list[StepInput]:
        data = self.cleaned_data
        inputs = []
        for key, step in self.steps.items():
            values = [data.get(f"{key}_{name}") or "" for name in ("label", "colour", "symbol")]
            if step is None and not any(v.strip() for v in values):
                continue  # an empty new row adds nothing
            inputs.append(
                StepInput(
                    key=key,
                    step=step,
                    label=values[0],
                    colour=values[1],
                    symbol=values[2],
                    position=data.get(f"{key}_position"),
                    remove=bool(data.get(f"{key}_remove")),
                )
            )
        return inputs


MONTH_CHOICES = [(number, name.capitalize()) for number, name in enumerate(MONTHS, start=1)]


def _month(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=MONTH_CHOICES, coerce=int, error_messages={"required": _("Välj en månad.")}
    )


def _day(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=31,
        error_messages={**NUMBER, "required": _("Ange dagen."), "max_value": _("Ange en dag till och med 31.")},
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
    )


class GovernanceForm(forms.Form):
    annual_due_day = _day(_("Dag"))
    annual_due_month = _month(_("Månad"))
    interim_due_day = _day(_("Dag"))
    interim_due_month = _month(_("Månad"))

    @staticmethod
    def initial_of(settings: GovernanceSettings) -> dict[str, Any]:
        return {name: getattr(settings, name) for name in GovernanceForm.base_fields}

    def fieldsets(self) -> list[dict[str, Any]]:
        return [
            {
                "legend": _("Årsbokslutet till kommunstyrelsen senast (året efter)"),
                "fields": [self["annual_due_day"], self["annual_due_month"]],
            },
            {
                "legend": _("Delårsbokslutet till kommunstyrelsen senast (samma år)"),
                "fields": [self["interim_due_day"], self["interim_due_month"]],
            },
        ]
