"""The delivery files read back as the förbund gets them (PDF text with pypdf, XLSX with openpyxl,
CSV with the csv module): heading with the kind and the period in words, the unit and the
municipality by name, the agreement's due date in words, the narrative, every table of the
compilation, and every "Totalt" the sum of what it totals."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.activera.deliveries import content_csv, narrative_save, preview_content
from apps.activera.exports import content_pdf, content_xlsx
from apps.activera.models import ActivityType, Delivery
from apps.activera.presentation import TITLES
from apps.activera.services import activity_add, enrolment_exit, measurement_add, meeting_record, referral_accept
from apps.forbund.models import AgreementDeliverable
from lib.spreadsheet import sheet_title
from tests.activera_helpers import FAR_FUTURE, caseworker, deliver_all, refer, unit
from tests.conftest import verified_client
from tests.forbund_helpers import agreement_for

D = datetime.date

SLUGS = ("alingsas", "insjoriket", "-activera")
# The tables seed 001 asks the interim and full-year compilation to cover, besides the counts.
COMPILATION = ("age_group", "residence", "extent", "activity_participants", "activity_occasions", "meeting", "sip")
PROGRESSION_TITLE = "Progression: förändring från första till senaste mätningen"
NARRATIVE = "Vi startade två samtalsgrupper och ett samarbete med Arbetsförmedlingen."


def _agreement(forbund_officer: Any, **overrides: Any) -> Any:
    return agreement_for("alingsas", year=2026, actor=forbund_officer, max_amount=1_650_000, places=85, **overrides)


def _content(kind: str, year: int, period: int = 0) -> dict[str, Any]:
    delivery = Delivery.objects.get(programme_unit__unit__slug="alingsas-activera", kind=kind, year=year, period=period)
    assert delivery.released_at is not None
    return delivery.content


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(content: dict[str, Any]) -> str:
    reader = PdfReader(io.BytesIO(content_pdf(content)))
    return _words(" ".join(page.extract_text() for page in reader.pages))


def _csv_rows(content: dict[str, Any]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content_csv(content).decode("utf-8-sig")), delimiter=";"))


def _xlsx(content: dict[str, Any]) -> Any:
    return load_workbook(io.BytesIO(content_xlsx(content)))


def _xlsx_text(workbook: Any) -> str:
    return _words(
        " ".join(
            [ws.title for ws in workbook.worksheets]
            + [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        )
    )


def _check_totals(workbook: Any) -> int:
    """Every "Totalt" column equals its row's sum, every "Totalt" row its columns' sums (and the
    corner the grand total). Hidden cells ("–") are skipped. Returns how many totals were checked."""
    checked = 0
    for ws in workbook.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if not rows:
            continue
        header, body = rows[0], rows[1:]
        width = len(header)
        # The table's rows stop at the first note (a single text cell).
        data = []
        for row in body:
            if len([c for c in row if c is not None]) == 1 and width > 2 and row[0] != "Totalt":
                break
            data.append(row[:width])
        total_column = header[-1] == "Totalt"
        figure_rows = [r for r in data if r[0] != "Totalt"]
        if total_column:
            for row in data:
                parts, total = row[1:-1], row[-1]
                if total == "–" or "–" in parts:
                    continue
                assert total == sum(parts), (ws.title, row)
                checked += 1
        for row in data:
            if row[0] != "Totalt":
                continue
            for column in range(1, width):
                values = [r[column] for r in figure_rows]
                if row[column] == "–" or "–" in values:
                    continue
                assert row[column] == sum(values), (ws.title, header[column], row)
                checked += 1
    return checked


def _common(content: dict[str, Any], heading: str, due: str | None) -> tuple[str, list[list[str]], Any]:
    """What every delivery file says: the heading, the unit and municipality by name, the due date."""
    pdf = _pdf_text(content)
    rows = _csv_rows(content)
    workbook = _xlsx(content)
    csv_text = _words(" ".join(c for row in rows for c in row))
    xlsx_text = _xlsx_text(workbook)
    assert heading in pdf and rows[0][0] == heading
    assert "ACTivera Alingsås, Alingsås kommun" in pdf and "ACTivera Alingsås, Alingsås kommun" in rows[0]
    sentence = f"Ska vara förbundet tillhanda {due}" if due else None
    if sentence:
        assert f"{sentence}." in pdf and sentence in rows[0]
    else:
        assert "tillhanda" not in pdf and "tillhanda" not in csv_text
    for text in (pdf, csv_text, xlsx_text):
        assert not any(slug in text for slug in SLUGS), text
        assert "månad(er)" not in text and not re.search(r"\d{4} \(\d+\)|\d{4} period \d", text)
    return pdf, rows, workbook


def _enrol(serial: int, gender: str) -> Any:
    actor = caseworker("alingsas")
    referral = refer(unit(), received_on=D(2026, 1, 20), serial=serial, gender=gender, party="region")
    return referral_accept(
        actor=actor,
        referral=referral,
        start_date=D(2026, 2, 2),
        planned_end_date=D(2026, 2, 2) + datetime.timedelta(weeks=20),
        extent_percent=50,
        leader=actor,
        today=FAR_FUTURE,
    )


def _participants(activera: Any) -> None:
    """Twelve participants with activities, a multi-party meeting and two measurements each; half
    of them leave in May."""
    actor = caseworker("alingsas")
    types = list(ActivityType.objects.filter(programme=activera).order_by("label"))[:2]
    first = {i.code: 2 for i in activera.indicators.all()}
    later = {i.code: 4 for i in activera.indicators.all()}
    for n in range(12):
        enrolment = _enrol(40 + n, "kvinna" if n % 2 else "man")
        for day, activity_type in ((3, types[0]), (10, types[0]), (17, types[1])):
            activity_add(
                actor=actor,
                enrolment=enrolment,
                date=D(2026, 2, day),
                activity_type=activity_type,
                mode="individual",
                digital=False,
                attended=True,
                today=FAR_FUTURE,
            )
        meeting_record(
            actor=actor,
            enrolment=enrolment,
            date=D(2026, 3, 10),
            parties=["arbetsformedlingen", "kommun_socialtjanst"],
            decision="continue",
            today=FAR_FUTURE,
        )
        for date, kind, answers in ((D(2026, 2, 5), "first", first), (D(2026, 3, 5), "follow_up", later)):
            measurement_add(actor=actor, enrolment=enrolment, date=date, kind=kind, answers=answers, today=FAR_FUTURE)
        if n < 6:
            enrolment_exit(
                actor=actor,
                enrolment=enrolment,
                exit_date=D(2026, 5, 4 + n),
                exit_reason="genomford",
                occupation_after="studier",
                income_after="",
                today=FAR_FUTURE,
            )


def _compilation(pdf: str, rows: list[list[str]], workbook: Any) -> None:
    """The interim and full-year files carry every table of the compilation, the narrative, and the
    pooled columns labelled as what they are."""
    csv_titles = {row[0] for row in rows if row}
    for key in COMPILATION:
        title = TITLES[key]
        assert title in pdf, key
        assert title in csv_titles, key
        assert sheet_title(title, set()) in workbook.sheetnames, key
    assert PROGRESSION_TITLE in pdf and PROGRESSION_TITLE in csv_titles and "Progression" in workbook.sheetnames
    # The narrative, in all three.
    assert NARRATIVE in pdf
    assert [NARRATIVE] in rows
    assert workbook["Verksamhetsberättelse"]["A2"].value == NARRATIVE
    # Weeks and progression: a pooled mean over every gender, not a total.
    weeks = next(ws for ws in workbook.worksheets if ws.title.startswith("Veckor i programmet"))
    weeks_header = [c.value for c in weeks[1]]
    assert weeks_header[-1] == "Samtliga" and "Totalt" not in weeks_header
    progression_header = [c.value for c in workbook["Progression"][1]]
    assert "Samtliga: mätta" in progression_header and not any("Totalt" in str(c) for c in progression_header)
    assert _check_totals(workbook) >= 10


@pytest.mark.usefixtures("pdf_support")
def test_the_monthly_delivery_file_states_month_unit_and_the_agreements_due_date(activera, forbund_officer):
    _agreement(forbund_officer)
    for n in range(8):
        refer(unit(), received_on=D(2026, 10, 1 + n), serial=10 + n, gender="kvinna" if n % 2 else "man")
    deliver_all("monthly", 2026, 10)
    content = _content("monthly", 2026, 10)
    _pdf, _rows, workbook = _common(content, "Intresseanmälningar per månad – oktober 2026", due="den 10 november 2026")
    assert TITLES["monthly_referrals"] in _pdf
    assert _check_totals(workbook) >= 3


@pytest.mark.usefixtures("pdf_support")
def test_a_kind_the_agreement_sets_no_deadline_for_states_none(activera, forbund_officer):
    agreement = _agreement(forbund_officer)
    AgreementDeliverable.objects.filter(agreement=agreement, kind="monthly").delete()
    content = preview_content(unit(), "monthly", 2026, 10)
    assert "due" not in content and "due_text" not in content
    _common(content, "Intresseanmälningar per månad – oktober 2026", due=None)
    # Without any agreement: the seed's dates for the interim and the year, none for a month.
    assert preview_content(unit("lerum"), "interim", 2026, 0)["due_text"] == "den 10 september 2026"
    assert preview_content(unit("lerum"), "annual", 2026, 0)["due_text"] == "den 10 februari 2027"
    assert "due_text" not in preview_content(unit("lerum"), "monthly", 2026, 10)


@pytest.mark.usefixtures("pdf_support")
def test_the_tertial_file_moves_the_due_date_only_where_the_agreement_says_so(activera, forbund_officer):
    # 10 May 2026 is a Sunday: this agreement moves its dates to the next working day.
    _agreement(forbund_officer, due_dates_move_to_working_day=True)
    _participants(activera)
    deliver_all("tertial", 2026, 1)
    content = _content("tertial", 2026, 1)
    pdf, rows, workbook = _common(content, "Tertialrapport – tertial 1 2026 (januari–april)", due="den 11 maj 2026")
    assert PROGRESSION_TITLE in pdf and "Progression" in workbook.sheetnames
    assert "Samtliga: mätta" in rows[next(i for i, r in enumerate(rows) if r == [PROGRESSION_TITLE]) + 1]
    assert _check_totals(workbook) >= 1


@pytest.mark.usefixtures("pdf_support")
def test_the_interim_file_carries_the_whole_compilation_and_the_narrative(activera, forbund_officer):
    _agreement(forbund_officer)
    _participants(activera)
    narrative_save(actor=caseworker("alingsas"), unit=unit(), kind="interim", year=2026, text=NARRATIVE)
    deliver_all("interim", 2026)
    content = _content("interim", 2026)
    pdf, rows, workbook = _common(content, "Delårsredovisning – januari–augusti 2026", due="den 10 september 2026")
    _compilation(pdf, rows, workbook)
    # The page says the same as the files.
    client = verified_client(caseworker("alingsas"))
    delivery = Delivery.objects.get(programme_unit=unit(), kind="interim", year=2026)
    query = {"unit": unit().pk, "kind": "interim", "year": 2026, "period": 0}
    page = client.get("/deltagare/leveranser/forhandsvisning/", query, follow=True).content.decode()
    assert delivery.content["due_text"] in page and "Samtliga" in page


@pytest.mark.usefixtures("pdf_support")
def test_the_annual_file_carries_the_whole_compilation_and_the_narrative(activera, forbund_officer):
    _agreement(forbund_officer)
    _participants(activera)
    narrative_save(actor=caseworker("alingsas"), unit=unit(), kind="annual", year=2026, text=NARRATIVE)
    deliver_all("annual", 2026)
    content = _content("annual", 2026)
    pdf, rows, workbook = _common(content, "Helårsredovisning – helåret 2026", due="den 10 februari 2027")
    _compilation(pdf, rows, workbook)


def test_the_totals_checker_catches_a_total_that_is_not_the_sum():
    from lib.spreadsheet import Sheet, workbook_bytes

    good = Sheet("Tabell", ["", "Kvinna", "Man", "Totalt"], [["A", 1, 2, 3], ["B", 4, 5, 9], ["Totalt", 5, 7, 12]])
    assert _check_totals(load_workbook(io.BytesIO(workbook_bytes([good])))) == 6
    for rows in ([["A", 1, 2, 4]], [["A", 1, 2, 3], ["Totalt", 2, 2, 3]]):
        bad = Sheet("Tabell", ["", "Kvinna", "Man", "Totalt"], rows)
        with pytest.raises(AssertionError):
            _check_totals(load_workbook(io.BytesIO(workbook_bytes([bad]))))
