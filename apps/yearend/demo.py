"""The demo's year-end follow-up (development only): Alingsås social committee's årsbokslut for last
year, approved, and its delårsbokslut for this year, a draft; with the styrmodell's signal scale,
goals and key figures (typed in, read from a Kolada file, and computed from Insyn's own decisions
and ACTivera), the ledger's and the HR system's figures read through the import service, internal
control, private providers, texts, and a controller and a förvaltningschef to log in as.

Every figure is fictional, of about the size of seed 002's nämnd."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_create
from apps.organisations.models import Organisation, OrganisationKind
from lib.report_numbers import format_number, share_percent
from lib.targets import meets, proposed_step

from .computed import COMPUTED_MEASURES, computed_values_refresh
from .models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    CouncilGoal,
    GoalAssessment,
    GovernanceSettings,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    LedgerFigure,
    NamndGoal,
    Period,
    ProviderFollowUp,
    ReportStatus,
    ReportText,
    SignalStep,
    YearReport,
)
from .models.control import ControlAssessment
from .services.imports import figures_import
from .services.kolada import kolada_import, kommunkod_of
from .services.reports import year_report_ensure

# One login per role, as the demo command's table: (username, role, organisation, full name).
YEAREND_DEMO_USERS: list[tuple[str, Role, str, str]] = [
    ("controller.alingsas", Role.YEAREND_CONTROLLER, "alingsas", "Verksamhetscontroller Socialförvaltningen Alingsås"),
    (
        "forvaltningschef.alingsas",
        Role.ADMINISTRATION_HEAD,
        "alingsas",
        "Förvaltningschef Socialförvaltningen Alingsås",
    ),
]
OFFICER = ("Lena Sandberg", "0322-61 67 80")
MANAGER = "Maria Holm"

# Lowest first; every colour reaches 4.5:1 against white, and the label and symbol go with it.
SIGNAL_STEPS = [
    ("Ej uppfyllt", "#b42318", "✕"),
    ("Delvis uppfyllt", "#8a5a00", "◐"),
    ("Helt uppfyllt", "#067647", "✓"),
]

# The ledger in kronor per kontogrupp: (budget, outcome) for the year before last, last year, and
# January–August of last year and of this year.
LEDGER: dict[str, dict[str, tuple[str, str]]] = {
    "before": {
        "intakter": ("13950000", "15412337.50"),
        "personalkostnader": ("-127400000", "-122986204.15"),
        "lokalhyror": ("-12900000", "-12113870"),
        "kop_av_tjanster": ("-60300000", "-64025418.60"),
        "ovriga_kostnader": ("-32150000", "-34420113.20"),
        "kommunbidrag": ("218800000", "218800000"),
        "finansnetto": ("0", "-3112.40"),
    },
    "last": {
        "intakter": ("14300000", "16128904.30"),
        "personalkostnader": ("-132650000", "-128402577.85"),
        "lokalhyror": ("-13100000", "-12694310"),
        "kop_av_tjanster": ("-62400000", "-66873042.10"),
        "ovriga_kostnader": ("-33050000", "-33917466.45"),
        "kommunbidrag": ("226900000", "226900000"),
        "finansnetto": ("0", "-1877.90"),
    },
    "last_interim": {
        "intakter": ("9533333", "11204117.80"),
        "personalkostnader": ("-88433333", "-84118392.40"),
        "lokalhyror": ("-8733333", "-8466120"),
        "kop_av_tjanster": ("-41600000", "-43129884.65"),
        "ovriga_kostnader": ("-22033334", "-21876540.15"),
        "kommunbidrag": ("151266667", "151266667"),
        "finansnetto": ("0", "-1204.10"),
    },
    "current_interim": {
        "intakter": ("9866667", "10587342.25"),
        "personalkostnader": ("-91866667", "-89934810.70"),
        "lokalhyror": ("-9000000", "-8894255"),
        "kop_av_tjanster": ("-43200000", "-46318907.35"),
        "ovriga_kostnader": ("-22800000", "-23102688.90"),
        "kommunbidrag": ("157000000", "157000000"),
        "finansnetto": ("0", "-950.60"),
    },
}
INVESTMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "before": {
        "expansion": ("0", "0"),
        "image": ("0", "0"),
        "inventarier": ("250000", "212480"),
        "it_utrustning": ("150000", "186930"),
        "transportmedel": ("0", "0"),
        "maskiner": ("0", "0"),
        "lokalanpassning": ("200000", "0"),
    },
    "last": {
        "expansion": ("0", "0"),
        "image": ("0", "0"),
        "inventarier": ("300000", "341275"),
        "it_utrustning": ("150000", "98640"),
        "transportmedel": ("0", "61200"),
        "maskiner": ("0", "0"),
        "lokalanpassning": ("200000", "143900"),
    },
    "last_interim": {
        "inventarier": ("200000", "118420"),
        "it_utrustning": ("100000", "54310"),
        "lokalanpassning": ("133333", "0"),
    },
    "current_interim": {
        "inventarier": ("200000", "87950"),
        "it_utrustning": ("100000", "121480"),
        "lokalanpassning": ("133333", "96300"),
    },
}
# The forecasts of the year's result (kronor) at each reconciliation, in order.
PROGNOSES = {
    "last": [("Fördjupad månadsuppföljning", "1500000"), ("Delårsbokslut", "2800000")],
    "current": [("Fördjupad månadsuppföljning", "900000"), ("Delårsbokslut", "-1200000")],
}
STAFF: dict[str, dict[str, str]] = {
    "before": {
        "tillsvidareanstallda": "165",
        "visstidsanstallda": "12",
        "arsarbetare_tillsvidare": "162.4",
        "arsarbetare_visstid": "10.2",
        "sysselsattningsgrad": "98.7",
        "medelalder": "45.9",
        "timavlonade": "5.8",
        "fyllnad": "0.2",
        "overtid": "0.5",
        "personalomsattning": "12.9",
        "arbetsskador": "3",
        "tillbud": "19",
    },
    "last": {
        "tillsvidareanstallda": "169",
        "visstidsanstallda": "10",
        "arsarbetare_tillsvidare": "166.1",
        "arsarbetare_visstid": "8.7",
        "sysselsattningsgrad": "98.9",
        "medelalder": "45.4",
        "timavlonade": "5.1",
        "fyllnad": "0.2",
        "overtid": "0.4",
        "personalomsattning": "11.6",
        "arbetsskador": "1",
        "tillbud": "23",
    },
}
STAFF["last_interim"] = {**STAFF["last"], "personalomsattning": "7.9", "arbetsskador": "1", "tillbud": "15"}
STAFF["current_interim"] = {
    **STAFF["last"],
    "tillsvidareanstallda": "171",
    "visstidsanstallda": "9",
    "arsarbetare_tillsvidare": "168.3",
    "arsarbetare_visstid": "7.9",
    "personalomsattning": "7.1",
    "arbetsskador": "0",
    "tillbud": "12",
}
# Sick hours and ordinary hours per group.
SICK_LEAVE: dict[str, dict[str, tuple[str, str]]] = {
    "before": {
        "totalt": ("27410", "301200"),
        "kvinnor": ("24380", "240100"),
        "man": ("3030", "61100"),
        "under_30": ("1690", "37400"),
        "30_49": ("16450", "152900"),
        "50_plus": ("9270", "110900"),
        "dag_1_14": ("8130", "301200"),
        "dag_15_59": ("3810", "301200"),
        "dag_60_plus": ("15470", "301200"),
    },
    "last": {
        "totalt": ("25640", "306900"),
        "kvinnor": ("22310", "244800"),
        "man": ("3330", "62100"),
        "under_30": ("1880", "39100"),
        "30_49": ("15020", "155200"),
        "50_plus": ("8740", "112600"),
        "dag_1_14": ("8470", "306900"),
        "dag_15_59": ("3350", "306900"),
        "dag_60_plus": ("13820", "306900"),
    },
    "last_interim": {
        "totalt": ("17180", "203400"),
        "kvinnor": ("15020", "162300"),
        "man": ("2160", "41100"),
        "under_30": ("1210", "25900"),
        "30_49": ("10060", "102800"),
        "50_plus": ("5910", "74700"),
        "dag_1_14": ("5490", "203400"),
        "dag_15_59": ("2280", "203400"),
        "dag_60_plus": ("9410", "203400"),
    },
    "current_interim": {
        "totalt": ("16230", "207100"),
        "kvinnor": ("13950", "165200"),
        "man": ("2280", "41900"),
        "under_30": ("1320", "26800"),
        "30_49": ("9380", "104100"),
        "50_plus": ("5530", "76200"),
        "dag_1_14": ("5760", "207100"),
        "dag_15_59": ("2010", "207100"),
        "dag_60_plus": ("8460", "207100"),
    },
}
# Kolada's N31807 (ej återaktualiserade vuxna med försörjningsstöd ett år efter avslut, %) for the
# three years before this one; this year's is not published until next spring.
KOLADA_N31807 = {3: ("79.0", "81.0", "77.0"), 2: ("83.0", "84.0", "82.0"), 1: ("84.0", "86.0", "82.0")}


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def demo_users() -> list[User]:
    """The year-end logins, with the demo's password and second factor (as the demo command's)."""
    users = []
    for username, role, organisation, full_name in YEAREND_DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, _, last = full_name.partition(" ")
            user = user_create(
                username=username,
                password=None,
                role=role.value,
                organisation_slug=organisation,
                first_name=first,
                last_name=last,
            )
            # The fixed password is below Django's validators on purpose: demo only, DEBUG only.
            user.set_password(settings.INSYN_DEMO_PASSWORD)
            user.save(update_fields=["password"])
            TOTPDevice.objects.create(user=user, name="Demo", key=settings.INSYN_DEMO_TOTP_HEX, confirmed=True)
        users.append(user)
    return users


def _styrmodell(municipality: Organisation) -> list[SignalStep]:
    GovernanceSettings.objects.get_or_create(
        municipality=municipality,
        defaults={"annual_due_month": 2, "annual_due_day": 20, "interim_due_month": 9, "interim_due_day": 30},
    )
    steps = []
    for position, (label, colour, symbol) in enumerate(SIGNAL_STEPS, start=1):
        step, _ = SignalStep.objects.get_or_create(
            municipality=municipality,
            position=position,
            defaults={"label": label, "colour": colour, "symbol": symbol},
        )
        steps.append(step)
    return steps


def _import_figures(namnd: Organisation, last: int, current: int) -> None:
    """The ledger's and the HR system's files, read the way a controller reads them."""
    periods = [
        ("before", last - 1, "annual"),
        ("last", last, "annual"),
        ("last_interim", last, "interim"),
        ("current_interim", current, "interim"),
    ]
    for key, year, period in periods:
        ledger = [f"{year};{group};{budget};{outcome}" for group, (budget, outcome) in LEDGER[key].items()]
        investments = [f"{year};{item};{budget};{outcome}" for item, (budget, outcome) in INVESTMENTS[key].items()]
        staff = [f"{year};{measure};{value}" for measure, value in STAFF[key].items()]
        sick = [f"{year};{group};{hours};{ordinary}" for group, (hours, ordinary) in SICK_LEAVE[key].items()]
        files = [
            ("economy", _csv("år;kontogrupp;budget_kr;utfall_kr", ledger)),
            ("investments", _csv("år;investering;budget_kr;utfall_kr", investments)),
            ("staff", _csv("år;mått;värde", staff)),
            ("sickleave", _csv("år;grupp;sjuktimmar;ordinarie_timmar", sick)),
        ]
        for kind, data in files:
            figures_import(actor=None, namnd=namnd, kind=kind, filename=f"{kind}-{year}.csv", data=data, period=period)
    for key, year in (("last", last), ("current", current)):
        rows = [f"{year};{occasion};{amount}" for occasion, amount in PROGNOSES[key]]
        data = _csv("år;avstämningstillfälle;prognos_kr", rows)
        figures_import(actor=None, namnd=namnd, kind="prognoses", filename=f"prognoser-{year}.csv", data=data)


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


def _goals(namnd: Organisation, year: int, *, current: int) -> list[NamndGoal]:
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


def _kolada_file(kommunkod: str, current: int) -> bytes:
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


def _assess(report: YearReport, goals: list[NamndGoal], steps: list[SignalStep], head: User) -> None:
    """Propose each goal's step from its key figures, as Insyn does, and decide: the förvaltningschef
    follows the proposal but for one goal, with the reason written down."""
    decided_at = timezone.make_aware(
        datetime.datetime.combine(report.approved_on or timezone.localdate(), datetime.time(10))
    )
    for goal in goals:
        results = []
        for figure in goal.key_figures.exclude(target_value=None):
            value = figure.values.filter(year=report.year).first()
            if value is not None and value.value is not None and figure.target_value is not None:
                results.append(meets(figure.target_direction, figure.target_value, value.value))
        index = proposed_step(results, len(steps))
        proposed = steps[index] if index is not None else None
        decided, reason = proposed, ""
        if goal.position == 1 and goal.council_goal.number == 2 and index is not None and index < len(steps) - 1:
            decided = steps[index + 1]
            reason = (
                "Andelen hushåll med långvarigt försörjningsstöd har minskat under året och fler har "
                "gått vidare till egen försörjning; nyckeltalen visar det först med eftersläpning."
            )
        if decided is None:
            decided = steps[1]
        GoalAssessment.objects.update_or_create(
            report=report,
            goal=goal,
            defaults={
                "proposed": proposed,
                "decided": decided,
                "reason": reason if proposed is not None and decided != proposed else "",
                "decided_by": head,
                "decided_at": decided_at,
            },
        )


def _result_text(namnd: Organisation, year: int, period: str) -> str:
    figures = LedgerFigure.objects.filter(namnd=namnd, year=year, period=period)
    result = sum((f.outcome_kr for f in figures), Decimal(0))
    grant = sum((f.outcome_kr for f in figures if f.group == "kommunbidrag"), Decimal(0))
    word = "ett överskott" if result >= 0 else "ett underskott"
    share = format_number(abs(share_percent(result, grant)), 1) if grant else "0"
    amount = format_number(abs(result) / 1_000_000, 1)
    return f"{word} om {amount} mnkr, vilket motsvarar {share} procent av kommunbidraget"


def _texts(report: YearReport, goals: list[NamndGoal], controller: User) -> None:
    namnd, year = report.namnd, report.year
    interim = report.period == Period.INTERIM
    span = "januari–augusti" if interim else "verksamhetsåret"
    result = _result_text(namnd, year, report.period)
    texts = {
        "memo_case": (
            "Enligt kommunens styrmodell ska nämnderna varje år upprätta ett "
            f"{'delårsbokslut' if interim else 'årsbokslut'} enligt styrmodellens anvisningar."
        ),
        "memo_statement": (
            f"Socialnämnden redovisar för {span} {year} {result}. Nämnden bidrar till kommunfullmäktiges "
            "mål genom fyra nämndsmål kopplade till fullmäktiges mål 2 och 3."
        ),
        "memo_economy": "Förslag till beslut innebär inga ekonomiska konsekvenser.",
        "memo_proposal": f"Socialnämndens {'delårsbokslut' if interim else 'årsbokslut'} {year} godkänns.",
        "verksamhet": (
            "Socialnämnden ansvarar för kommunens verksamhet inom individ- och familjeomsorg och "
            "socialpsykiatri. Under året har nämnden fortsatt arbetet med att ställa om verksamheten mot "
            "mer riktat förebyggande arbete och insatser på hemmaplan."
        ),
        "agenda2030": (
            "Nämndens arbete med att förebygga och förhindra social och ekonomisk utsatthet bidrar till "
            "social hållbarhet, i enlighet med kommunens policy för hållbar utveckling utifrån Agenda 2030."
        ),
        "goals_intro": (
            "Bedömning av måluppfyllelse görs på styrmodellens signalskala, från Ej uppfyllt till Helt "
            "uppfyllt. Nyckeltal om verkställighet och ACTivera hämtas direkt ur Insyn."
        ),
        "control_intro": (
            f"Uppföljning av socialnämndens internkontrollplan {year} framgår av bilaga 1. En kontrollpunkt "
            "med anmärkning följs upp även i nästa års plan."
        ),
        "control_immediate": (
            "Nämndens väsentlighets- och riskanalys identifierade ingen risk som krävde omedelbar åtgärd."
        ),
        "providers_intro": (
            "Enligt programmet för uppföljning av privata utförare följer nämnden upp att utförare inom "
            "ramavtalen har aktuellt tillstånd från IVO före placering."
        ),
        "providers_comment": (
            "Inga brister har iakttagits hos utförarna. Kontroll har i två fall gjorts först efter en akut "
            "placering, vilket är en brist i verksamhetens rutin och inte hos leverantören."
        ),
        "drift_summary": f"Socialnämnden redovisar för {span} {year} {result}.",
        "drift_outcome": (
            "Personalkostnaderna understiger budget till följd av tillfälliga vakanser, medan köp av "
            "tjänster överstiger budget främst på grund av inhyrd personal och köpt vård."
        ),
        "prognosis_comment": "Prognosen har följts upp vid varje avstämningstillfälle under året.",
        "investments_outcome": (
            "Investeringarna avser främst inventarier och IT-utrustning till kontor och jourlägenheter."
        ),
        "staff_comment": (
            "Antalet årsarbetare har ökat något till följd av nyinrättade tjänster i det riktat förebyggande arbetet."
        ),
        "sick_leave_comment": "Sjukfrånvaron har minskat jämfört med föregående år, främst den långa sjukfrånvaron.",
    }
    for goal in goals:
        texts[f"goal-{goal.pk}"] = (
            f"Förvaltningens arbete med målet har under {year} följts upp kvartalsvis. "
            "Nyckeltalen redovisas nedan; bedömningen görs utifrån dem och verksamhetens egen analys."
        )
    for key, body in texts.items():
        ReportText.objects.update_or_create(report=report, key=key, defaults={"body": body, "updated_by": controller})


CONTROL_POINTS = [
    (
        "Att digitaliseringen går långsamt",
        "Att andelen e-ansökningar om försörjningsstöd ökar enligt plan",
        "Kontroll av antal e-ansökningar",
        ("without_remark", "Andelen e-ansökningar var 44 procent vid delåret."),
        ("with_remark", "Andelen e-ansökningar var 47 procent vid årets slut; målet 55 procent nåddes inte."),
    ),
    (
        "Att volymerna inom myndighetsutövningen inte minskar",
        "Att antal inledda utredningar minskar inom barn och unga",
        "Kontroll av antal inledda utredningar",
        ("without_remark", "Antal inledda utredningar ligger i nivå med föregående år."),
        ("without_remark", "Andelen inledda utredningar i relation till orosanmälningar har minskat."),
    ),
    (
        "Att vi inte har en effektiv och rättssäker myndighetsutövning",
        "Att antal överklaganden som går nämnden emot inte överstiger tre per månad",
        "Kontroll av antal överklaganden som går nämnden emot",
        ("without_remark", "Inga överklaganden har gått nämnden emot under perioden."),
        ("without_remark", "Två överklaganden har gått nämnden emot under året."),
    ),
]


def _control(namnd: Organisation, last: int, current: int) -> None:
    points = []
    for position, (risk, checked, method, interim, annual) in enumerate(CONTROL_POINTS, start=1):
        point, _ = ControlPoint.objects.get_or_create(
            namnd=namnd, year=last, position=position, defaults={"risk": risk, "checked": checked, "method": method}
        )
        for period, (assessment, result) in (("interim", interim), ("annual", annual)):
            ControlFollowUp.objects.get_or_create(
                point=point, period=period, defaults={"assessment": assessment, "result": result}
            )
        points.append(point)
    investigations = ControlFollowUp.objects.get(point=points[1], period="annual")
    ControlResultTable.objects.get_or_create(
        follow_up=investigations,
        position=1,
        defaults={
            "title": "Orosanmälningar och utredningar",
            "columns": [str(last - 2), str(last - 1), str(last)],
            "rows": [
                {"label": "Antal barn orosanmälningar", "values": [842, 871, 903]},
                {"label": "Antal inledda utredningar", "values": [331, 322, 316]},
            ],
            "share_label": "Andel",
            "share_numerator": 1,
            "share_denominator": 0,
        },
    )
    # This year's plan: the point with a remark carries over; a new risk joins it.
    for position, point in enumerate(
        [p for p in points if p.follow_ups.filter(period="annual", assessment=ControlAssessment.WITH_REMARK).exists()],
        start=1,
    ):
        carried, _ = ControlPoint.objects.get_or_create(
            namnd=namnd,
            year=current,
            position=position,
            defaults={"risk": point.risk, "checked": point.checked, "method": point.method, "carried_from": point},
        )
        ControlFollowUp.objects.get_or_create(
            point=carried,
            period="interim",
            defaults={"assessment": "without_remark", "result": "Andelen e-ansökningar var 52 procent vid delåret."},
        )
    new, _ = ControlPoint.objects.get_or_create(
        namnd=namnd,
        year=current,
        position=ControlPoint.objects.filter(namnd=namnd, year=current).count() + 1,
        defaults={
            "risk": "Att gynnande beslut inte verkställs i tid",
            "checked": "Att antal beslut som inte verkställts inom tre månader minskar",
            "method": "Kontroll av kvartalsrapporterna till IVO i Insyn",
        },
    )
    ControlFollowUp.objects.get_or_create(
        point=new,
        period="interim",
        defaults={"assessment": "with_remark", "result": "Antalet har inte minskat jämfört med föregående år."},
    )


PROVIDERS = [
    "Adda Inköpscentral AB – Konsulentstödd familjehemsvård",
    "Adda Inköpscentral AB – HVB – Vuxna med missbruk",
]


def _providers(namnd: Organisation, last: int) -> None:
    for position, agreement in enumerate(PROVIDERS, start=1):
        ProviderFollowUp.objects.get_or_create(
            namnd=namnd,
            year=last,
            position=position,
            defaults={
                "agreement": agreement,
                "followed_up": (
                    "Att privata utförare inom ramavtalet innehar ett aktuellt tillstånd från Inspektionen "
                    "för vård och omsorg (IVO). Uppföljningen rör huruvida sådan kontroll genomförts före placering."
                ),
                "met_requirements": True,
            },
        )


def _report(namnd: Organisation, year: int, period: Period, head: User | None) -> YearReport:
    report = year_report_ensure(actor=None, namnd=namnd, year=year, period=period.value)
    interim = period == Period.INTERIM
    memo = datetime.date(year, 9, 14) if interim else datetime.date(year + 1, 2, 6)
    report.diary_number = f"{year}.112 SN" if interim else f"{year + 1}.004 SN"
    report.memo_date = memo
    report.officer_name, report.direct_number = OFFICER
    report.manager_name = MANAGER
    if head is not None:
        report.decision_date = memo + datetime.timedelta(days=7)
        report.status = ReportStatus.APPROVED
        report.approved_by = head
        report.approver_name = MANAGER
        report.approved_on = memo
    report.save()
    return report


def load_yearend_demo(*, today: datetime.date | None = None) -> YearReport | None:
    """Give the demo's Alingsås social committee its årsbokslut for last year and delårsbokslut for
    this year. Does nothing when the nämnd already has a report (the demo is loaded once). Returns
    the årsbokslut, or None when nothing was loaded."""
    today = today or timezone.localdate()
    namnd = (
        Organisation.objects.filter(kind=OrganisationKind.SOCIAL_COMMITTEE, parent__slug="alingsas")
        .select_related("parent")
        .first()
    )
    if namnd is None or namnd.parent is None:
        return None
    controller, head = demo_users()
    if YearReport.objects.filter(namnd=namnd).exists():
        return None
    last, current = today.year - 1, today.year
    with transaction.atomic():
        steps = _styrmodell(namnd.parent)
        _import_figures(namnd, last, current)
        annual_goals = _goals(namnd, last, current=current)
        interim_goals = _goals(namnd, current, current=current)
        kolada_import(actor=None, namnd=namnd, data=_kolada_file(kommunkod_of(namnd) or "1489", current))
        computed_values_refresh(namnd=namnd, year=last)
        computed_values_refresh(namnd=namnd, year=current)
        annual = _report(namnd, last, Period.ANNUAL, head)
        interim = _report(namnd, current, Period.INTERIM, None)
        _assess(annual, annual_goals, steps, head)
        _texts(annual, annual_goals, controller)
        _texts(interim, interim_goals, controller)
        _control(namnd, last, current)
        _providers(namnd, last)
    return annual
