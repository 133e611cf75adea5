"""The demo's goals and key figures: two council goals with two nämnd goals each, key figures
typed in, read from a generated Kolada file, or computed from the demo's own data."""

# i18n: data module: the demo's texts, figures and CSV files are stored in the database as a nämnd would type them.

from __future__ import annotations

import json
from decimal import Decimal

from apps.organisations.models import Organisation

from .computed import COMPUTED_MEASURES
from .demo_data import (
    KOLADA_N31807,
)
from .models import (
    CouncilGoal,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
)


def _key_figure(table: KeyFigureTable, goal: NamndGoal | None, **fields: object) -> KeyFigure:
    figure, _ = KeyFigure.objects.get_or_create(
        table=table, position=table.key_figures.count() + 1, defaults={"goal": goal, **fields}
    )
    return figure


def _manual(figure: KeyFigure, values: dict[int, str]) -> None:
    for year, value in values.items():
        number, text = (None, value) if not value[0].isdigit() else (Decimal(value), "")
        KeyFigureValue.objects.update_or_create(
            key_figure=figure, year=year, defaults={"value": number, "text": text, "origin": KeyFigureOrigin.MANUAL}
        )


def _computed(table: KeyFigureTable, goal: NamndGoal, measure: str, **fields: object) -> KeyFigure:
    spec = COMPUTED_MEASURES[measure]
    return _key_figure(table, goal, name=spec.label, source=spec.source, computed_measure=measure, **fields)


def _households(current: int) -> dict[int, str]:
    return {current: "244", current - 1: "241", current - 2: "236", current - 3: "248"}


def _answered(current: int) -> dict[int, str]:
    return {current - 1: "75", current - 2: "83", current - 3: "67"}


def _influence(current: int) -> dict[int, str]:
    return {current - 1: "19.4", current - 2: "18.6", current - 3: "Ej jämförbart*"}


def goals_for_year(namnd: Organisation, year: int, *, current: int) -> list[NamndGoal]:
    """The council's goals 2 and 3 of the year, the nämnd's goals under them and their key figures."""
    measured_at = "31 aug" if year == current else "31 dec"
    two, _ = CouncilGoal.objects.get_or_create(
        namnd=namnd,
        year=year,
        number=2,
        defaults={
            "title": (
                "I Alingsås finns goda livsmiljöer genom en långsiktig ekologisk, social och ekonomisk "
                "hållbar utveckling"
            )
        },
    )
    three, _ = CouncilGoal.objects.get_or_create(
        namnd=namnd,
        year=year,
        number=3,
        defaults={"title": "Alingsåsarna har inflytande, får god service och ett gott bemötande från kommunen"},
    )
    self_supporting, _ = NamndGoal.objects.get_or_create(
        council_goal=two,
        position=1,
        defaults={
            "title": "Antal hushåll som blir självförsörjande ska öka",
            "indicator": (
                "Ej återaktualiserade vuxna personer med försörjningsstöd ett år efter avslutat "
                "försörjningsstöd, andel (%)"
            ),
            "agenda2030": "Mål 1. Ingen fattigdom\nMål 3. God hälsa och välbefinnande",
        },
    )
    work, _ = NamndGoal.objects.get_or_create(
        council_goal=two,
        position=2,
        defaults={
            "title": "Fler invånare långt från arbetsmarknaden närmar sig arbete eller studier",
            "indicator": "Nämndsmålet omhändertar en risk i nämndens väsentlighets- och riskanalys: "
            "att personer med långvarigt försörjningsstöd inte får arbetsrehabiliterande insatser.",
            "agenda2030": "Mål 8. Anständiga arbetsvillkor och ekonomisk tillväxt",
        },
    )
    in_time, _ = NamndGoal.objects.get_or_create(
        council_goal=three,
        position=1,
        defaults={
            "title": "Beviljade insatser ska verkställas i tid",
            "indicator": "Nämndsmålet omhändertar en risk i nämndens väsentlighets- och riskanalys: "
            "att gynnande beslut inte verkställs inom tre månader.",
            "agenda2030": "Mål 16. Fredliga och inkluderande samhällen",
        },
    )
    phone, _ = NamndGoal.objects.get_or_create(
        council_goal=three,
        position=2,
        defaults={
            "title": (
                "Andelen som tar kontakt med socialförvaltningen via telefon och som får direkt svar "
                "på en enkel fråga ska öka"
            ),
            "indicator": "Andel som tar kontakt med kommunen via telefon och som får ett svar på en enkel fråga (%)",
            "agenda2030": "Mål 16. Fredliga och inkluderande samhällen",
        },
    )

    table, _ = KeyFigureTable.objects.get_or_create(
        council_goal=two, position=1, defaults={"after_goal": self_supporting, "measured_at": measured_at}
    )
    households = _key_figure(
        table,
        self_supporting,
        name="Antal hushåll med utbetalt försörjningsstöd",
        source="Verksamhetssystem Procapita Lifecare",
        target_direction="le",
        target_value=Decimal(230),
        show_direction=False,
    )
    _manual(households, {y: v for y, v in _households(current).items() if year - 2 <= y <= year})
    _key_figure(
        table,
        self_supporting,
        name=(
            "Ej återaktualiserade vuxna personer med försörjningsstöd ett år efter avslutat försörjningsstöd, andel (%)"
        ),
        source="Hämtat från verksamhetssystemet, rapporteras in till Kolada",
        target_direction="ge",
        target_value=Decimal(85),
        kolada_kpi="N31807",
        kolada_gender="T",
    )

    table, _ = KeyFigureTable.objects.get_or_create(
        council_goal=two, position=2, defaults={"after_goal": work, "measured_at": measured_at}
    )
    _computed(table, work, "activera_participants", target_direction="ge", target_value=Decimal(60))
    _computed(table, work, "activera_participants_women")
    _computed(table, work, "activera_participants_men")
    _computed(table, work, "activera_exits")

    table, _ = KeyFigureTable.objects.get_or_create(
        council_goal=three, position=1, defaults={"after_goal": in_time, "measured_at": measured_at}
    )
    _computed(table, in_time, "decisions_not_executed", target_direction="le", target_value=Decimal(20))

    table, _ = KeyFigureTable.objects.get_or_create(
        council_goal=three,
        position=2,
        defaults={
            "footnote": (
                "* Frågorna om insyn och inflytande ändrades i Medborgarundersökningen, varför en direkt "
                "jämförelse med tidigare år inte är möjlig."
            )
        },
    )
    answered = _key_figure(
        table,
        phone,
        name="Andel som tar kontakt med kommunen via telefon som får ett direkt svar på en enkel fråga, "
        "individ/familj (%)",
        source="Servicemätning e-post och telefoni (Profitel)",
        target_direction="ge",
        target_value=Decimal(75),
    )
    # The service measurement is made in the autumn: the interim has no value of its own year.
    _manual(answered, {y: v for y, v in _answered(current).items() if year - 2 <= y <= year})
    influence = _key_figure(
        table,
        None,
        name="Andel invånare som upplever att de har möjlighet till insyn och inflytande över kommunens "
        "beslut och verksamheter (%)",
        source="Medborgarundersökningen (SCB)",
        target_direction="gt",
        target_value=Decimal(19),
        decimals=1,
    )
    _manual(influence, {y: v for y, v in _influence(current).items() if year - 2 <= y <= year})
    return [self_supporting, work, in_time, phone]


def kolada_file(kommunkod: str, current: int) -> bytes:
    """The answer of api.kolada.se/v2/data/kpi/N31807/municipality/{kommunkod}/year/… as saved."""
    values = []
    for back, (total, women, men) in sorted(KOLADA_N31807.items(), reverse=True):
        genders = [("K", women), ("M", men), ("T", total)]
        values.append(
            {
                "kpi": "N31807",
                "municipality": kommunkod,
                "period": current - back,
                "values": [
                    {"count": 1, "gender": gender, "status": "", "value": float(value)} for gender, value in genders
                ],
            }
        )
    values.append(
        {
            "kpi": "N31807",
            "municipality": kommunkod,
            "period": current,
            "values": [{"count": 0, "gender": g, "status": "Saknas", "value": None} for g in ("K", "M", "T")],
        }
    )
    return json.dumps({"count": len(values), "values": values, "next_page": None}).encode()
