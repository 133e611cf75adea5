"""The demo's year-end figures and plan as data (fictional, about the size of seed 002's nämnd):
the ledger, investments, prognoses, staff and sick leave of two years, the control plan and the
private providers. apps/yearend/demo.py loads them."""

# i18n: data module: the demo's texts, figures and CSV files are stored in the database as a nämnd would type them.

from __future__ import annotations

from apps.accounts.roles import Role

# One login per role, as the demo command's table: (username, role, organisation, full name).
YEAREND_DEMO_USERS: list[tuple[str, Role, str, str]] = [
    ("controller.alingsas", Role.YEAREND_CONTROLLER, "alingsas", "Lena Sandberg"),
    ("forvaltningschef.alingsas", Role.ADMINISTRATION_HEAD, "alingsas", "Maria Holm"),
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


PROVIDERS = [
    "Adda Inköpscentral AB – Konsulentstödd familjehemsvård",
    "Adda Inköpscentral AB – HVB – Vuxna med missbruk",
]
