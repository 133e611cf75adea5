"""The forms of the goals and key figures page. They collect what was typed; the services in
services/goals.py check it and report every problem at once, so the fields here are mostly
optional text and the choices are read once for the page (not once per form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .computed import COMPUTED_MEASURES
from .models import CouncilGoal, KeyFigure, KeyFigureTable, NamndGoal, TargetDirection
from .tables.goals import value_text

CHOICE = _("Välj ett av alternativen i listan.")
WHOLE = _("Ange ett heltal.")
DIRECTIONS = {
    TargetDirection.AT_LEAST: _("≥ minst"),
    TargetDirection.ABOVE: _("> mer än"),
    TargetDirection.AT_MOST: _("≤ högst"),
    TargetDirection.BELOW: _("< mindre än"),
    TargetDirection.EQUAL: _("= lika med"),
}
GENDERS = [("T", _("Totalt")), ("K", _("Kvinnor")), ("M", _("Män"))]


def _text(label: Any, *, rows: int = 0, maxlength: int = 0, help_text: Any = "") -> forms.CharField:
    attrs = {"maxlength": str(maxlength)} if maxlength else {}
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, strip=False, widget=widget, help_text=help_text)


def _whole(label: Any, *, min_value: int, max_value: int, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": min_value, "max": max_value, "class": "input--short"}),
        error_messages={"invalid": WHOLE},
    )


def _choice(label: Any, choices: list[tuple[str, Any]], *, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        error_messages={"invalid_choice": CHOICE},
    )


class CouncilGoalForm(forms.Form):
    number = _whole(_("Nummer"), min_value=1, max_value=99, help_text=_("Målets nummer i kommunens styrmodell."))
    title = _text(_("Fullmäktiges mål"), rows=2)

    @staticmethod
    def initial_of(goal: CouncilGoal) -> dict[str, Any]:
        return {"number": goal.number, "title": goal.title}


class NamndGoalForm(forms.Form):
    title = _text(_("Nämndens mål"), rows=2)
    indicator = _text(
        _("Indikator"), rows=2, help_text=_("Kommunens indikator som målet hör till, som den står före målet.")
    )
    agenda2030 = _text(_("Agenda 2030-mål"), rows=2, help_text=_("De globala mål som arbetet bidrar till."))
    position = _whole(
        _("Ordning"),
        min_value=1,
        max_value=99,
        help_text=_("Plats under fullmäktiges mål; tomt: sist eller oförändrad."),
    )

    @staticmethod
    def initial_of(goal: NamndGoal) -> dict[str, Any]:
        return {
            "title": goal.title,
            "indicator": goal.indicator,
            "agenda2030": goal.agenda2030,
            "position": goal.position,
        }


class KeyFigureTableForm(forms.Form):
    after_goal = _choice(_("Placering"), [])
    measured_at = _text(
        _("Mättidpunkt"),
        maxlength=20,
        help_text=_("T.ex. ”31 dec” ger rubrikerna ”Mål 31 dec 2022” och ”Utfall 31 dec 2022”; tomt: ”Mål 2022”."),
    )
    footnote = _text(_("Fotnot"), rows=2, help_text=_("Visas under tabellen, t.ex. förklaringen till en asterisk."))

    def __init__(self, *args: Any, goals: list[NamndGoal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {str(g.pk): g for g in goals}
        field = self.fields["after_goal"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("I slutet av fullmäktigemålets avsnitt")),
            *((pk, _("Efter målet: %(title)s") % {"title": g.title}) for pk, g in self.goals.items()),
        ]

    def clean_after_goal(self) -> NamndGoal | None:
        return self.goals.get(self.cleaned_data["after_goal"] or "")

    @staticmethod
    def initial_of(table: KeyFigureTable) -> dict[str, Any]:
        return {"after_goal": table.after_goal_id or "", "measured_at": table.measured_at, "footnote": table.footnote}


class KeyFigureForm(forms.Form):
    """Grouped on the page as: the figure, its target, and where its outcomes come from."""

    name = _text(_("Nyckeltal"), rows=2)
    source = _text(
        _("Källa"), maxlength=200, help_text=_("T.ex. ”Kolada” eller ”Verksamhetssystem Procapita Lifecare”.")
    )
    goal = _choice(_("Mäter målet"), [], help_text=_("Nyckeltalen under ett mål ger Insyns förslag till bedömning."))
    position = _whole(_("Ordning i tabellen"), min_value=1, max_value=99, help_text=_("Tomt: sist eller oförändrad."))
    target_direction = _choice(_("Riktning"), list(DIRECTIONS.items()))
    target = _text(
        _("Målvärde"), maxlength=20, help_text=_("Ett tal som 86 eller 17,4; tomt om nyckeltalet saknar mål.")
    )
    show_direction = forms.BooleanField(
        label=_("Visa riktningen före målvärdet (”≥86” i stället för ”86”)"), required=False
    )
    decimals = _whole(
        _("Högst antal decimaler"), min_value=0, max_value=4, help_text=_("Så många decimaler visas som mest.")
    )
    kolada_kpi = _text(
        _("Kolada-nyckeltal"), maxlength=6, help_text=_("Id som N31807; utfallen kommer med Kolada-filen.")
    )
    kolada_gender = _choice(_("Kön i Kolada"), GENDERS)
    computed_measure = _choice(
        _("Beräknas i Insyn"),
        [("", _("Nej")), *((key, m.label) for key, m in COMPUTED_MEASURES.items())],
        help_text=_("Insyn räknar fram utfallen ur sina egna uppgifter; namn och källa fylls i om de är tomma."),
    )

    FIGURE = ("name", "source", "goal", "position")
    TARGET = ("target_direction", "target", "show_direction", "decimals")
    ORIGIN = ("kolada_kpi", "kolada_gender", "computed_measure")

    def __init__(self, *args: Any, goals: list[NamndGoal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {str(g.pk): g for g in goals}
        field = self.fields["goal"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Inget mål")), *((pk, g.title) for pk, g in self.goals.items())]

    def clean_goal(self) -> NamndGoal | None:
        return self.goals.get(self.cleaned_data["goal"] or "")

    def clean_target_direction(self) -> str:
        return self.cleaned_data["target_direction"] or TargetDirection.AT_LEAST

    def clean_kolada_gender(self) -> str:
        return self.cleaned_data["kolada_gender"] or "T"

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (_("Nyckeltalet"), [self[name] for name in self.FIGURE]),
            (_("Mål"), [self[name] for name in self.TARGET]),
            (_("Varifrån utfallen kommer utöver inmatning"), [self[name] for name in self.ORIGIN]),
        ]

    @staticmethod
    def initial_of(figure: KeyFigure) -> dict[str, Any]:
        target = figure.target_value
        return {
            "name": figure.name,
            "source": figure.source,
            "goal": figure.goal_id or "",
            "position": figure.position,
            "target_direction": figure.target_direction,
            "target": "" if target is None else value_text(target, 2),
            "show_direction": figure.show_direction,
            "decimals": figure.decimals,
            "kolada_kpi": figure.kolada_kpi,
            "kolada_gender": figure.kolada_gender,
            "computed_measure": figure.computed_measure,
        }


class KeyFigureOutcomesForm(forms.Form):
    """The outcomes of the years the report shows, one field per year (`year_2022`, …)."""

    def __init__(self, *args: Any, years: tuple[int, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"year_{year}"] = _text(_("Utfall %(year)s") % {"year": year}, maxlength=60)

    def entries(self) -> dict[int, str]:
        return {year: self.cleaned_data[f"year_{year}"] for year in self.years}


class GoalsCopyForm(forms.Form):
    from_year = forms.TypedChoiceField(
        label=_("Kopiera från år"), coerce=int, choices=[], error_messages={"invalid_choice": CHOICE}
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["from_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(str(y), str(y)) for y in years]
