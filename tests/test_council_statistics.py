"""The council's statistics table (16 kap. 6 h § SoL, 28 h § LSS): per decision type and section,
how many decisions concern women and men and how many days have passed since each decision
(section 1) or interruption (section 2), counted to the report date; small counts hidden.

Every figure below is worked out by hand from the dates chosen here."""

from __future__ import annotations

import datetime
import io
import itertools
import json
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.decisions.council import HIDDEN, CouncilItem, CouncilTable, council_table
from apps.decisions.exports import report_json
from apps.decisions.services import report_prepare, report_submit
from lib.identity_numbers import LegalSex
from lib.quarters import Quarter
from tests.conftest import make_person, verified_client
from tests.decisions_helpers import FAR_FUTURE, decide, event

D = datetime.date
WOMAN = LegalSex.FEMALE
MAN = LegalSex.MALE
Q4_AS_OF = D(2023, 1, 11)

SECTION_1 = "1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut"
SECTION_2 = "2. Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet"
NOTE = (
    "– = fördelningen på kvinnor och män visas inte när ett antal är 1–4 eller kan räknas fram ur de "
    "andra talen, så att ingen enskild kan pekas ut."
)


def _decide(municipality, reference, decision_type, decision_date, sex, **extra):
    person = make_person(municipality, sex=sex)
    return decide(municipality, reference, decision_type, decision_date, reason="Resurs saknas", person=person, **extra)


def _prepare(municipality, label: str, as_of: datetime.date):
    return report_prepare(
        actor=None, municipality=municipality, quarter=Quarter.parse(label), as_of=as_of, today=FAR_FUTURE
    )


def build_history(alingsas, lerum) -> None:
    """Alingsås 2022, with the Q3 report submitted (as of 2022-10-10) so Q4 has a section 3.

    Section 1 of Q4 (as of 2023-01-11), days since the decision:
      Kontaktfamilj: woman 2022-07-25 → 170, woman 2022-08-01 → 163, man 2022-09-01 → 132
      Bostad: man 2022-06-20 → 205 (listed already in Q3, still open)
    Section 2, days since the interruption (not since the decision):
      Boendestöd: man, decided 2022-01-10, interrupted 2022-08-15 → 149 (the decision: 366)
      Kontaktperson: woman, decided 2021-10-01, interrupted 2022-09-20 → 113
    Not in the table: Behandlingshem (listed in Q3, executed 2022-11-20: section 3 in Q4),
    Öppenvård executed in time, and Lerum's Kontaktfamilj.
    """
    _decide(alingsas, "K-1", "Kontaktfamilj", D(2022, 7, 25), WOMAN)
    _decide(alingsas, "K-2", "Kontaktfamilj", D(2022, 8, 1), WOMAN)
    _decide(alingsas, "K-3", "Kontaktfamilj", D(2022, 9, 1), MAN)
    _decide(alingsas, "B-1", "Bostad", D(2022, 6, 20), MAN)
    boendestod = _decide(alingsas, "BS-1", "Boendestöd", D(2022, 1, 10), MAN)
    event(boendestod, "executed", D(2022, 2, 1))
    event(boendestod, "interrupted", D(2022, 8, 15))
    kontaktperson = _decide(alingsas, "KP-1", "Kontaktperson", D(2021, 10, 1), WOMAN)
    event(kontaktperson, "executed", D(2021, 11, 1))
    event(kontaktperson, "interrupted", D(2022, 9, 20))
    behandlingshem = _decide(alingsas, "BH-1", "Behandlingshem", D(2022, 5, 2), WOMAN)
    in_time = _decide(alingsas, "O-1", "Öppenvård", D(2022, 8, 1), WOMAN)
    event(in_time, "executed", D(2022, 10, 1))
    _decide(lerum, "L-1", "Kontaktfamilj", D(2022, 7, 25), WOMAN)
    report_submit(actor=None, report=_prepare(alingsas, "2022Q3", D(2022, 10, 10)))
    event(behandlingshem, "executed", D(2022, 11, 20))


EXPECTED_Q4 = [
    {"decision_type": "Bostad", "section": 1, "women": 0, "men": 1, "days": [205], "protected": True},
    {"decision_type": "Kontaktfamilj", "section": 1, "women": 2, "men": 1, "days": [132, 163, 170], "protected": True},
    {"decision_type": "Boendestöd", "section": 2, "women": 0, "men": 1, "days": [149], "protected": True},
    {"decision_type": "Kontaktperson", "section": 2, "women": 1, "men": 0, "days": [113], "protected": True},
]


@pytest.fixture
def q4(alingsas, lerum):
    build_history(alingsas, lerum)
    return _prepare(alingsas, "2022Q4", Q4_AS_OF)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _council_sheet(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    rows = list(workbook["Statistikrapport KF"].iter_rows(values_only=True))
    _assert_totals_are_sums(rows)
    return rows


def _assert_totals_are_sums(rows: list[tuple]) -> None:
    """In every section of the sheet, a shown row's total is its women plus its men, and the
    section's total (Summa) is the sum of its rows' totals – and of its women and men, if shown."""
    sections = 0
    body: list[tuple] = []
    for row in rows[1:]:
        name, women, men, total, _days = row
        if name == "Summa":
            sections += 1
            assert total == sum(r[3] for r in body)
            if women != HIDDEN and all(r[1] != HIDDEN for r in body):
                assert women == sum(r[1] for r in body) and men == sum(r[2] for r in body)
            body = []
        elif total is not None:
            assert isinstance(total, int)
            if women != HIDDEN:
                assert women + men == total
            body.append(row)
    assert sections == 2


# --- What an outsider can work out from the shown figures ---------------------------------------


def _outsider_values(rows, section_women, section_men, section_total):
    """Every split of the hidden counts that agrees with everything shown: each row's women and
    men (or "–") and total, the section's women and men (or "–") and total. Returns, per row, the
    set of women and of men counts possible, and the sets of the section's sums."""
    candidates = []
    for women, men, total in rows:
        options = []
        for w in range(total + 1):
            m = total - w
            if women != HIDDEN and w != women:
                continue
            if men != HIDDEN and m != men:
                continue
            options.append((w, m))
        candidates.append(options)
    solutions = []
    for combination in itertools.product(*candidates):
        sum_w = sum(w for w, _m in combination)
        sum_m = sum(m for _w, m in combination)
        if section_women != HIDDEN and sum_w != section_women:
            continue
        if section_men != HIDDEN and sum_m != section_men:
            continue
        if sum_w + sum_m != section_total:
            continue
        solutions.append(combination)
    per_row = [({s[i][0] for s in solutions}, {s[i][1] for s in solutions}) for i in range(len(rows))]
    sums = ({sum(w for w, _m in s) for s in solutions}, {sum(m for _w, m in s) for s in solutions})
    return per_row, sums


def assert_no_hidden_figure_can_be_worked_out(table: CouncilTable) -> None:
    for section in table.sections:
        shown = [(row.shown_women, row.shown_men, row.total) for row in section.rows]
        per_row, sums = _outsider_values(shown, section.shown_women, section.shown_men, section.total)
        for row, (women, men) in zip(section.rows, per_row, strict=True):
            # The truth is among the outsider's solutions: what is shown is right.
            assert row.women in women and row.men in men, row
            if row.protected:
                assert len(women) > 1 and len(men) > 1, f"{row.decision_type}: {women}, {men}"
            else:
                assert women == {row.women} and men == {row.men}
        if section.protected:
            assert len(sums[0]) > 1 and len(sums[1]) > 1, section
        assert section.women in sums[0] and section.men in sums[1]


def _items(section: int, decision_type: str, women: int, men: int, days: int = 100) -> list[CouncilItem]:
    return [CouncilItem(decision_type, section, "female", days + i) for i in range(women)] + [
        CouncilItem(decision_type, section, "male", days + 50 + i) for i in range(men)
    ]


def _row(table: CouncilTable, decision_type: str, section: int = 1):
    return next(r for r in table.rows if r.decision_type == decision_type and r.section == section)


# --- The rule, on the table itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("women", "men", "hidden"),
    [
        (1, 0, True),
        (0, 1, True),
        (4, 5, True),
        (5, 4, True),
        (4, 0, True),
        (5, 5, False),
        (5, 0, False),
        (0, 7, False),
        (12, 6, False),
    ],
)
def test_a_row_is_hidden_exactly_when_a_count_is_from_one_to_four(women, men, hidden):
    table = council_table(_items(1, "Kontaktfamilj", women, men), as_of=Q4_AS_OF, limit=5)
    [row] = table.rows
    assert (row.women, row.men, row.total) == (women, men, women + men)
    assert row.protected is hidden
    if hidden:
        # Both cells go: the total is shown, so hiding one alone would give it away.
        assert (row.shown_women, row.shown_men) == (HIDDEN, HIDDEN)
        [section, _empty] = table.sections
        assert (section.shown_women, section.shown_men, section.total) == (HIDDEN, HIDDEN, women + men)
    else:
        assert (row.shown_women, row.shown_men) == (women, men)
    assert_no_hidden_figure_can_be_worked_out(table)


def test_the_threshold_is_the_setting(settings):
    settings.INSYN_SUPPRESSION_THRESHOLD = 3
    table = council_table(_items(1, "Kontaktfamilj", 3, 3) + _items(1, "Bostad", 2, 6), as_of=Q4_AS_OF)
    assert table.threshold == 3
    assert _row(table, "Bostad").protected
    assert "1–2 eller kan räknas fram" in table.note
    assert_no_hidden_figure_can_be_worked_out(table)


def test_a_hidden_row_cannot_be_worked_out_from_the_sections_sums_and_the_other_rows():
    # Bostad's one woman is hidden; with Kontaktfamilj's 5 + 5 shown and the section's women (6)
    # and men (5) shown, 6 − 5 would give her away: something more must be hidden.
    table = council_table(_items(1, "Kontaktfamilj", 5, 5) + _items(1, "Bostad", 1, 0), as_of=Q4_AS_OF, limit=5)
    bostad = _row(table, "Bostad")
    assert bostad.protected and (bostad.women, bostad.men) == (1, 0)
    kontaktfamilj = _row(table, "Kontaktfamilj")
    section = table.sections[0]
    assert kontaktfamilj.protected or section.protected
    assert section.total == 11 == kontaktfamilj.total + bostad.total
    assert_no_hidden_figure_can_be_worked_out(table)


def test_two_hidden_rows_hide_each_other_and_large_rows_stay_shown():
    items = _items(1, "Kontaktfamilj", 6, 6) + _items(1, "Bostad", 2, 3) + _items(1, "Boendestöd", 3, 2)
    table = council_table(items, as_of=Q4_AS_OF, limit=5)
    assert _row(table, "Bostad").protected and _row(table, "Boendestöd").protected
    assert_no_hidden_figure_can_be_worked_out(table)
    section = table.sections[0]
    assert section.total == 22 == sum(r.total for r in section.rows)
    assert (section.women, section.men) == (11, 11)


def test_the_sections_are_decided_separately_and_an_empty_section_has_no_rows():
    table = council_table(_items(1, "Kontaktfamilj", 5, 6) + _items(2, "Boendestöd", 1, 1), as_of=Q4_AS_OF, limit=5)
    one, two = table.sections
    assert [(r.decision_type, r.shown_women, r.shown_men) for r in one.rows] == [("Kontaktfamilj", 5, 6)]
    assert (one.shown_women, one.shown_men, one.total) == (5, 6, 11)
    assert [(r.decision_type, r.shown_women, r.shown_men, r.total) for r in two.rows] == [
        ("Boendestöd", HIDDEN, HIDDEN, 2)
    ]
    assert (two.shown_women, two.shown_men, two.total) == (HIDDEN, HIDDEN, 2)
    assert (one.title, one.days_label) == (SECTION_1, "Dagar sedan beslutet")
    assert (two.title, two.days_label) == (SECTION_2, "Dagar sedan avbrottet")
    empty = council_table(_items(1, "Kontaktfamilj", 5, 5), as_of=Q4_AS_OF, limit=5).sections[1]
    assert (empty.rows, empty.women, empty.men, empty.protected) == ([], 0, 0, False)


def test_the_rows_are_in_swedish_alphabetical_order_with_the_days_ascending():
    items = [
        CouncilItem(name, 1, "female", days)
        for name, days in [("Öppenvård", 9), ("Ärende", 8), ("Åtgärd", 7), ("Zeta", 6), ("Bostad", 30), ("Bostad", 3)]
    ]
    table = council_table(items, as_of=Q4_AS_OF, limit=5)
    assert [r.decision_type for r in table.rows] == ["Bostad", "Zeta", "Åtgärd", "Ärende", "Öppenvård"]
    assert _row(table, "Bostad").days == [3, 30]
    assert _row(table, "Bostad").days_text == "3, 30"


def test_the_note_explains_the_dash():
    assert council_table([], as_of=Q4_AS_OF, limit=5).note == NOTE


# --- The report's table, from decisions built through the services ----------------------------------


def test_a_decision_not_executed_is_counted_for_women_and_men_with_its_days_to_the_report_date(q4):
    data = report_json(q4)
    assert data["council_statistics"] == EXPECTED_Q4
    for row in data["council_statistics"]:
        assert row["women"] + row["men"] == len(row["days"])


def test_a_section_two_row_counts_days_from_the_interruption_not_from_the_decision(q4):
    rows = {(r["decision_type"], r["section"]): r for r in report_json(q4)["council_statistics"]}
    # 2022-08-15 → 2023-01-11 is 149 days; from the decision (2022-01-10) it would be 366.
    assert rows[("Boendestöd", 2)]["days"] == [149]
    assert ("Boendestöd", 1) not in rows
    assert rows[("Kontaktperson", 2)]["days"] == [113]


def test_executed_rows_in_section_three_and_other_municipalities_are_not_in_the_table(q4):
    data = report_json(q4)
    assert [r["decision_type"] for r in data["executed_or_ended"]] == ["Behandlingshem"]
    types = {r["decision_type"] for r in data["council_statistics"]}
    assert "Behandlingshem" not in types and "Öppenvård" not in types
    # Lerum's Kontaktfamilj (a woman) would make three women.
    kontaktfamilj = next(r for r in data["council_statistics"] if r["decision_type"] == "Kontaktfamilj")
    assert kontaktfamilj["women"] == 2
    # The table counts exactly the rows of sections 1 and 2.
    for section, key in ((1, "not_executed"), (2, "interrupted")):
        assert sum(len(r["days"]) for r in data["council_statistics"] if r["section"] == section) == len(data[key])


def test_a_decision_that_ended_before_it_was_ever_reported_is_counted_once_in_section_one(alingsas):
    # Overdue 2022-11-10, executed 2022-12-20 before any report listed it: it still reaches the
    # nämnd's section 1 (marked executed), so the council's table counts it too.
    decision = _decide(alingsas, "S-1", "Stödboende", D(2022, 8, 10), MAN)
    event(decision, "executed", D(2022, 12, 20))
    report = _prepare(alingsas, "2022Q4", Q4_AS_OF)
    [row] = report_json(report)["council_statistics"]
    assert (row["decision_type"], row["section"], row["women"], row["men"], len(row["days"])) == (
        "Stödboende",
        1,
        0,
        1,
        1,
    )


def test_the_cli_json_holds_the_council_statistics(q4, tmp_path):
    path = tmp_path / "q4.json"
    call_command(
        "ivo",
        "report",
        "--municipality",
        "alingsas",
        "--quarter",
        "2022Q4",
        "--as-of",
        "2023-01-11",
        "--format",
        "json",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    data = json.loads(path.read_text())
    assert data["council_statistics"] == EXPECTED_Q4
    for row in data["council_statistics"]:
        assert {"decision_type", "section", "women", "men", "days"} <= set(row)


def test_the_report_page_shows_small_counts_as_dashes_and_totals_as_the_sums_of_their_rows(registrar_alingsas, q4):
    html = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{q4.pk}/").content.decode()
    council = html[html.index("Statistikrapport till kommunfullmäktige, kvartal 4 2022") :]
    cells = (
        '<th scope="row">{}</th><td class="numeric">{}</td><td class="numeric">{}</td>'
        '<td class="numeric">{}</td><td>{}</td>'
    )
    for expected in [
        cells.format("Bostad", "–", "–", 1, "205"),
        cells.format("Kontaktfamilj", "–", "–", 3, "132, 163, 170"),
        cells.format("Boendestöd", "–", "–", 1, "149"),
        cells.format("Kontaktperson", "–", "–", 1, "113"),
    ]:
        assert expected in council, expected
    footers = re.findall(
        r'<tfoot><tr><th scope="row">Summa</th><td class="numeric">(.*?)</td><td class="numeric">(.*?)</td>'
        r'<td class="numeric">(.*?)</td>',
        council,
    )
    assert footers == [("–", "–", "4"), ("–", "–", "2")]
    assert SECTION_1 in council and SECTION_2 in council
    assert "Dagar sedan beslutet" in council and "Dagar sedan avbrottet" in council
    assert NOTE in council
    assert council.index("Bostad") < council.index("Kontaktfamilj") < council.index(SECTION_2)


def test_the_pdf_holds_the_council_table(registrar_alingsas, q4, pdf_support):
    response = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{q4.pk}/rapport.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    council = text[text.index("Statistikrapport till kommunfullmäktige, kvartal 4 2022") :]
    lines = [" ".join(line.split()) for line in council.splitlines()]
    for expected in [
        "Bostad – – 1 205",
        "Kontaktfamilj – – 3 132, 163, 170",
        "Summa – – 4",
        "Boendestöd – – 1 149",
        "Kontaktperson – – 1 113",
        "Summa – – 2",
    ]:
        assert expected in lines, (expected, lines)
    assert lines.index("Summa – – 4") < lines.index("Boendestöd – – 1 149")
    flat = " ".join(lines)
    assert "Dagar sedan beslutet" in flat and "Dagar sedan avbrottet" in flat
    assert "visas inte när ett antal är 1–4" in flat


def test_the_xlsx_has_the_council_sheet_with_totals_equal_to_the_sums(registrar_alingsas, q4):
    response = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{q4.pk}/rapport.xlsx")
    rows = _council_sheet(response.content)
    assert rows == [
        ("Typ av beslut", "Kvinnor", "Män", "Totalt", "Dagar sedan beslutet eller avbrottet"),
        (SECTION_1, None, None, None, None),
        ("Bostad", "–", "–", 1, "205"),
        ("Kontaktfamilj", "–", "–", 3, "132, 163, 170"),
        ("Summa", "–", "–", 4, None),
        (SECTION_2, None, None, None, None),
        ("Boendestöd", "–", "–", 1, "149"),
        ("Kontaktperson", "–", "–", 1, "113"),
        ("Summa", "–", "–", 2, None),
        (NOTE, None, None, None, None),
    ]


def test_the_json_download_carries_the_exact_counts(auditor_alingsas, q4):
    report_submit(actor=None, report=q4)
    response = verified_client(auditor_alingsas).get(f"/beslut/rapporter/{q4.pk}/rapport.json")
    assert response.status_code == 200
    assert json.loads(response.content)["council_statistics"] == EXPECTED_Q4


def test_counts_of_five_or_more_are_shown_in_every_document(registrar_alingsas, alingsas, pdf_support):
    # Five women waiting for a Kontaktfamilj since 2022-07-01 … 2022-07-05 (194 … 190 days) and one
    # man for a Bostad since 2022-09-01 (132 days).
    for day in range(1, 6):
        _decide(alingsas, f"K-{day}", "Kontaktfamilj", D(2022, 7, day), WOMAN)
    _decide(alingsas, "B-1", "Bostad", D(2022, 9, 1), MAN)
    report = _prepare(alingsas, "2022Q4", Q4_AS_OF)
    assert report_json(report)["council_statistics"] == [
        {"decision_type": "Bostad", "section": 1, "women": 0, "men": 1, "days": [132], "protected": True},
        {
            "decision_type": "Kontaktfamilj",
            "section": 1,
            "women": 5,
            "men": 0,
            "days": [190, 191, 192, 193, 194],
            "protected": False,
        },
    ]
    client = verified_client(registrar_alingsas)
    rows = _council_sheet(client.get(f"/beslut/rapporter/{report.pk}/rapport.xlsx").content)
    assert rows[2:5] == [
        ("Bostad", "–", "–", 1, "132"),
        ("Kontaktfamilj", 5, 0, 5, "190, 191, 192, 193, 194"),
        # The section's men (1) would be the one man: the sums are hidden, the total is not.
        ("Summa", "–", "–", 6, None),
    ]
    # An outsider with the sheet cannot tell whether the Bostad decision concerns a woman or a man.
    per_row, _sums = _outsider_values([(r[1], r[2], r[3]) for r in rows[2:4]], "–", "–", 6)
    assert per_row[0] == ({0, 1}, {0, 1})
    text = _pdf_text(client.get(f"/beslut/rapporter/{report.pk}/rapport.pdf").content)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Kontaktfamilj 5 0 5 190, 191, 192, 193, 194" in lines
    assert "Bostad – – 1 132" in lines and "Summa – – 6" in lines


def test_every_table_built_from_a_report_hides_what_could_be_worked_out(alingsas):
    # Eleven decisions: 5 + 5 Kontaktfamilj and one woman's Bostad, as the IVO register holds them.
    for day in range(1, 6):
        _decide(alingsas, f"KW-{day}", "Kontaktfamilj", D(2022, 7, day), WOMAN)
        _decide(alingsas, f"KM-{day}", "Kontaktfamilj", D(2022, 8, day), MAN)
    _decide(alingsas, "B-1", "Bostad", D(2022, 9, 1), WOMAN)
    report = _prepare(alingsas, "2022Q4", Q4_AS_OF)
    from apps.decisions.council import report_council_table

    table = report_council_table(report)
    assert _row(table, "Bostad").protected
    assert_no_hidden_figure_can_be_worked_out(table)


def test_a_submitted_reports_table_does_not_change_when_a_decision_is_executed_later(alingsas, lerum, q4):
    submitted = report_submit(actor=None, report=q4)
    before = report_json(submitted)["council_statistics"]
    kontaktfamilj = submitted.rows.filter(reference="K-1").get().decision
    event(kontaktfamilj, "executed", D(2023, 2, 1))
    assert report_json(submitted)["council_statistics"] == before == EXPECTED_Q4
    # The next quarter counts to its own date: K-2 and K-3 remain, 2022-08-01 → 2023-04-11 is 253 days.
    q1 = _prepare(alingsas, "2023Q1", D(2023, 4, 11))
    rows = {r["decision_type"]: r for r in report_json(q1)["council_statistics"] if r["section"] == 1}
    assert rows["Kontaktfamilj"]["days"] == [222, 253]
    assert (rows["Kontaktfamilj"]["women"], rows["Kontaktfamilj"]["men"]) == (1, 1)


@pytest.mark.parametrize("path", ["", "rapport.pdf", "rapport.xlsx", "rapport.json"])
def test_a_registrar_or_auditor_of_another_municipality_gets_404(
    registrar_lerum_factory, auditor_lerum, q4, path, pdf_support
):
    url = f"/beslut/rapporter/{q4.pk}/{path}"
    for user in (registrar_lerum_factory(), auditor_lerum):
        assert verified_client(user).get(url).status_code == 404
