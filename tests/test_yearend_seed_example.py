"""Seed 002's årsbokslut 2022, loaded through the import commands and the example, reproduces the
seed's tables cell by cell (the expected rows below are copied from the seed)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from apps.yearend.document import build_document
from apps.yearend.example import EXAMPLES
from apps.yearend.models import YearReport

pytestmark = pytest.mark.django_db
FOLDER = EXAMPLES / "alingsas-2022"
NAMND = "alingsas-socialnamnd"

DRIFT = [
    [
        "Belopp i tkr",
        "Budget 2022",
        "Bokslut 2022",
        "Avv. bokslut/ budget 2022",
        "Bokslut 2021",
        "Diff. bokslut 2022/2021",
    ],
    ["Verksamhetens intäkter", "12 686", "14 966", "2 280", "14 771", "195"],
    ["Personalkostnader", "-121 932", "-115 111", "6 821", "-118 321", "3 210"],
    ["Lokalhyror", "-12 517", "-11 278", "1 239", "-11 869", "591"],
    ["Köp av tjänster", "-57 941", "-60 393", "-2 452", "-53 090", "-7 303"],
    ["Övriga kostnader", "-30 422", "-34 950", "-4 528", "-30 166", "-4 784"],
    ["Verksamhetens kostnader", "-222 812", "-221 731", "1 081", "-213 446", "-8 285"],
    ["Verksamhetens nettokostnader", "-210 126", "-206 765", "3 361", "-198 675", "-8 090"],
    ["Kommunbidrag", "210 126", "210 126", "0", "204 872", "5 254"],
    ["Finansnetto", "0", "0", "0", "-2", "2"],
    ["Årets resultat", "0", "3 361", "3 361", "6 194", "-2 833"],
]
PROGNOSIS = [
    ["Avstämningstillfälle", "Prognos", "Avvikelse från bokslut"],
    ["Fördjupad månadsuppföljning", "2 000", "1 361"],
    ["Delårsbokslut", "6 400", "-3 039"],
    ["Bokslut 2022", "3 361", ""],
]
INVESTMENTS = [
    [
        "Belopp i tkr",
        "Budget 2022",
        "Bokslut 2022",
        "Avv. bokslut/budget 2022",
        "Bokslut 2021",
        "Diff. bokslut 2022/2021",
    ],
    ["Expansionsinvestering", "0", "0", "0", "0", "0"],
    ["Imageinvestering", "0", "0", "0", "0", "0"],
    ["Reinvestering", "400", "555", "155", "431", "124"],
    ["- inventarier", "250", "406", "156", "186", "220"],
    ["- IT-utrustning", "150", "57", "93", "227", "170"],
    ["- transportmedel", "0", "73", "73", "18", "55"],
    ["- maskiner", "0", "19", "19", "0", "19"],
    ["Anpassningsinvestering", "200", "0", "200", "0", "0"],
    ["- lokalanpassning", "200", "0", "200", "0", "0"],
    ["Totala utgifter", "600", "555", "45", "431", "124"],
]
STAFF = [
    ["", "2021", "2022", "Differens"],
    ["Antal anställda", "", "", ""],
    ["Tillsvidareanställda", "160", "161", "1"],
    ["Visstidsanställda", "9", "13", "4"],
    ["Antal årsarbetare", "", "", ""],
    ["Tillsvidareanställda", "157,8", "159,5", "1,7"],
    ["Visstidsanställda", "8,4", "10,9", "2,5"],
    ["Sysselsättningsgrad *", "", "", ""],
    ["Tillsvidareanställda", "99%", "99%", "0%"],
    ["*utifrån vad som framgår i anställningsavtalet", "", "", ""],
    ["Medelålder", "", "", ""],
    ["Tillsvidareanställda", "46,5", "45,0", "-1,5"],
    ["Utförd tid av timavlönade*", "", "", ""],
    ["*omräknat till heltidsarbetare", "5,0", "6,0", "1,0"],
    ["Fyllnad och övertid*", "", "", ""],
    ["Fyllnad", "0,1", "0,2", "0,2"],
    ["Övertid", "0,3", "0,4", "0,1"],
    ["*omräknat till heltidsarbetare", "", "", ""],
    ["Personalomsättning*", "12,1%", "13,5%", "1,4%"],
    ["*exkluderat pensionsavgångar", "", "", ""],
]
INJURIES = [
    ["Arbetsskador och tillbud", "2021", "2022", "Differens"],
    ["Arbetsskador", "9", "0", "-9"],
    ["Tillbud", "8", "18", "10"],
]
SICK_LEAVE = [
    ["Sjukfrånvaro* (%)", "2021", "2022", "Differens"],
    ["Total sjukfrånvaro", "8,0", "10,4", "2,4"],
    ["Kvinnor", "8,8", "11,6", "2,9"],
    ["Män", "4,6", "5,1", "0,5"],
    ["<29 år", "3,5", "5,8", "2,4"],
    ["30-49 år", "9,6", "13,0", "3,4"],
    ["50 år>", "6,5", "7,7", "1,2"],
    ["Dag 1-14", "2,3", "3,2", "0,9"],
    ["Dag 15-59", "1,2", "1,2", "0,1"],
    ["Dag 59>", "4,5", "6,0", "1,5"],
]
KEY_FIGURES = [
    [
        ["Nyckeltal", "Mål 31 dec 2022", "Utfall 31 dec 2022", "Utfall 31 dec 2021", "Utfall 31 dec 2020"],
        ["Antal hushåll med utbetalt försörjningsstöd", "215", "237", "239", "269"],
        ["Källa: Verksamhetssystem Procapita Lifecare", "", "", "", ""],
        [
            "Ej återaktualiserade vuxna personer med försörjningsstöd ett år efter avslutat "
            "försörjningsstöd, andel (%)",
            "≥86",
            "81",
            "86",
            "76",
        ],
        ["Källa: Hämtat från verksamhetssystemet, rapporteras in till Kolada", "", "", "", ""],
    ],
    [
        ["Nyckeltal", "Mål 2022", "Utfall 2022", "Utfall 2021", "Utfall 2020"],
        ["Antal enheter som har en plan för implementering av FREDAs kortfrågor", "11", "11", "-", "-"],
        ["Källa: Uppgift hämtas från enhetschefer", "", "", "", ""],
    ],
    [
        ["Nyckeltal", "Mål 2022", "Utfall 2022", "Utfall 2021", "Utfall 2020"],
        [
            "Andel invånare som upplever att de har möjlighet till insyn och inflytande över kommunens beslut och "
            "verksamheter (%)",
            ">19",
            "17,4",
            "19",
            "Ej jämförbart*",
        ],
        ["Källa: Medborgarundersökningen (SCB)", "", "", "", ""],
        ["Gott bemötande vid kontakt med kommunen, individ/familj, andel av maxpoäng (%)", "100", "100", "67", "100"],
        ["Källa: Servicemätning e-post och telefoni (Profitel)", "", "", "", ""],
        [
            "Andel som tar kontakt med kommunen via telefon som får ett direkt svar på en enkel fråga, "
            "individ/familj (%)",
            "≥67",
            "83",
            "67",
            "50",
        ],
        ["Källa: Servicemätning e-post och telefoni (Profitel)", "", "", "", ""],
        ["Andel som får svar på e-post inom en dag, individ/familj (%)", "≥80", "83", "67", "50"],
        ["Källa: Servicemätning e-post och telefoni (Profitel)", "", "", "", ""],
    ],
]


def grid(table: dict) -> list[list[str]]:
    return [table["columns"], *([row["label"], *row["cells"]] for row in table["rows"])]


@pytest.fixture
def seed_report(insjoriket, capsys) -> dict:
    for kind, filename in [
        ("economy", "economy.csv"),
        ("investments", "investments.csv"),
        ("prognoses", "prognoses.csv"),
        ("staff", "staff.csv"),
        ("sickleave", "sickleave.csv"),
    ]:
        call_command("yearend", "import", kind, "--namnd", NAMND, str(FOLDER / filename))
    call_command("yearend", "load-example", "alingsas-2022")
    capsys.readouterr()
    call_command("yearend", "report", "--namnd", NAMND, "--year", "2022", "--format", "json")
    return json.loads(capsys.readouterr().out)


def tables_by_key(document: dict) -> dict[str, dict]:
    return {table["key"]: table for table in document["tables"]}


def test_the_drift_table_is_the_seeds_to_the_cell_including_the_result_rounded_by_itself(seed_report):
    assert grid(tables_by_key(seed_report)["drift"]) == DRIFT


def test_the_sum_rows_are_marked_as_the_seed_sets_them_in_bold(seed_report):
    kinds = {row["label"]: row["kind"] for row in tables_by_key(seed_report)["drift"]["rows"]}
    assert [label for label, kind in kinds.items() if kind == "sum"] == [
        "Verksamhetens kostnader",
        "Verksamhetens nettokostnader",
        "Årets resultat",
    ]


def test_the_prognosis_table_measures_each_forecast_against_the_result(seed_report):
    assert grid(tables_by_key(seed_report)["prognos"]) == PROGNOSIS


def test_the_investment_table_is_the_seeds(seed_report):
    assert grid(tables_by_key(seed_report)["investeringar"]) == INVESTMENTS


def test_the_staff_tables_are_the_seeds_with_differences_from_unrounded_values(seed_report):
    tables = tables_by_key(seed_report)
    assert grid(tables["personalstatistik"]) == STAFF
    assert grid(tables["arbetsskador"]) == INJURIES
    assert grid(tables["sjukfranvaro"]) == SICK_LEAVE
    assert tables["sjukfranvaro"]["notes"] == ["*Avser perioden 1 januari - 31 december"]


def test_the_key_figures_carry_targets_sources_missing_years_and_footnotes(seed_report):
    tables = [t for t in seed_report["tables"] if t["key"].startswith("nyckeltal-")]
    assert [grid(t) for t in tables] == KEY_FIGURES
    assert tables[2]["notes"][0].startswith("* Under 2021 har även en förändring av frågorna")
    assert tables[1]["notes"][0].startswith("* En standardiserad bedömningsmetod")


def test_the_internal_control_holds_the_inner_table_with_its_computed_share(seed_report):
    control = tables_by_key(seed_report)["internkontroll"]
    assert control["columns"] == [
        "Identifierad risk",
        "Vad kontrolleras?",
        "Frekvens uppföljning",
        "Metod",
        "Bedömning",
        "Resultat",
    ]
    assert [row["label"] for row in control["rows"]] == [
        "Att digitaliseringen går långsamt",
        "Att volymerna inom myndighetsutövningen inte minskar",
        "Att vi inte har en effektiv och rättssäker myndighetsutövning",
        "Att vi fortsatt påverkas av Covid- 19",
        "Att fortsatt anpassning av verksamheten ger negativa effekter",
    ]
    inner = control["rows"][1]["tables"][0]
    assert grid(inner) == [
        ["Orosanmälningar och utredningar", "2020", "2021", "2022"],
        ["Antal barn orosanmälningar", "677", "793", "830"],
        ["Antal inledda utredningar", "327", "359", "326"],
        ["Andel", "48 %", "45 %", "39 %"],
    ]
    assert control["rows"][0]["cells"][3] == "▲ Genomförd med anmärkning"
    assert control["rows"][1]["cells"][3] == "● Genomförd utan anmärkning"


def test_bilaga_2_is_the_seeds(seed_report):
    providers = tables_by_key(seed_report)["privata_utforare"]
    assert providers["columns"][2] == "Har lev. i huvudsak uppfyllt väsentliga mål och krav? (Ja/Nej)"
    assert [[row["label"], *row["cells"][1:]] for row in providers["rows"]] == [
        ["Adda Inköpscentral AB – Konsulentstött familjehemsvård 2019", "Ja", "-", "-", "-"],
        ["Adda Inköpscentral AB – HVB – Vuxna med missbruk 2019", "Ja", "-", "-", "-"],
    ]


def test_the_memo_and_head_are_the_seeds(seed_report):
    assert seed_report["document"]["document_type"] == "Redovisande dokument, bokslut"
    assert seed_report["document"]["decision_date"] == "2023-02-14"
    assert seed_report["document"]["diary_number"] == "2023.003 SN"
    memo = seed_report["memo"]
    assert memo["title"] == "Socialnämndens årsbokslut 2022"
    assert memo["proposal"] == ["Socialnämndens årsbokslut 2022 godkänns."]
    assert memo["recipients"] == ["Kommunstyrelsen"]
    assert memo["approver_line"] == "Karin Alvermalm Dahlgren, Godkännare tjänsteskrivelse, 2023-02-07"
    assert memo["result"]["sentence"] == "ett överskott om 3,4 mnkr, vilket motsvarar 1,6 procent av kommunbidraget"


def test_the_contents_follow_the_seeds_order(seed_report):
    titles = [entry["title"] for entry in seed_report["contents"]]
    assert titles[:4] == [
        "Verksamhet",
        "Måluppföljning",
        "Socialnämndens arbete kopplat till Agenda 2030",
        "Uppföljning av socialnämndens mål",
    ]
    assert titles[-2:] == ["Bilaga 1. Uppföljning av internkontroll", "Bilaga 2. Uppföljning av privata utförare"]
    assert "Sjukfrånvaro" in titles and titles.index("Drift") < titles.index("Personal")


def test_five_of_six_goals_are_assessed_as_met_and_the_differing_one_carries_its_reason(seed_report):
    report = YearReport.objects.get(namnd__slug=NAMND, year=2022)
    assessments = list(report.assessments.select_related("proposed", "decided", "goal"))
    assert [a.decided.label for a in assessments].count("Helt uppfyllt") == 5
    differing = [a for a in assessments if a.proposed and a.decided != a.proposed]
    assert differing and all(a.reason for a in differing)
    goal_blocks = [g for s in seed_report["sections"] for g in s["goals"]]
    assert goal_blocks[0]["assessment"]["label"] == "Helt uppfyllt"
    assert goal_blocks[0]["assessment"]["symbol"] == "✓"


def test_loading_the_example_twice_gives_the_same_document(seed_report, capsys):
    call_command("yearend", "load-example", "alingsas-2022")
    report = YearReport.objects.get(namnd__slug=NAMND, year=2022)
    again = json.loads(json.dumps(build_document(report).as_json()))
    assert again["tables"] == seed_report["tables"]
