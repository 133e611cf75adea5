import datetime
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.activera.exports import period_report, units_of
from apps.activera.reports import monthly_referrals, tertial_progression, tertial_violence
from apps.activera.services import enrolment_exit, measurement_add, referral_accept, violence_questionnaire_record
from apps.organisations.models import Organisation
from tests.activera_helpers import FAR_FUTURE, refer, unit

D = datetime.date


def _enrol(
    actor,
    *,
    serial,
    gender="kvinna",
    start=None,
    received=None,
    party="arbetsformedlingen",
    slug="alingsas",
):
    start = start or D(2026, 2, 2)
    received = received or D(2026, 1, 20)
    referral = refer(unit(slug), received_on=received, serial=serial, gender=gender, party=party, residence=slug)
    return referral_accept(
        actor=actor,
        referral=referral,
        start_date=start,
        planned_end_date=start + datetime.timedelta(weeks=20),
        extent_percent=50,
        leader=actor,
        today=FAR_FUTURE,
    )


def test_monthly_referrals_by_gender_and_party(activera, caseworker_alingsas):
    refer(unit(), received_on=D(2026, 3, 2), serial=1, gender="kvinna", party="arbetsformedlingen")
    refer(unit(), received_on=D(2026, 3, 9), serial=2, gender="man", party="egen_anmalan")
    refer(unit(), received_on=D(2026, 3, 31), serial=3, gender="man", party="egen_anmalan")
    refer(unit(), received_on=D(2026, 4, 1), serial=4, gender="annat", party="region")
    refer(unit("lerum"), received_on=D(2026, 3, 3), serial=5, gender="kvinna", party="region", residence="lerum")
    out = io.StringIO()
    call_command(
        "activera",
        "report",
        "monthly",
        "--municipality",
        "alingsas",
        "--month",
        "2026-03",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["municipality"] == "alingsas" and data["month"] == "2026-03" and data["total"] == 3
    assert data["by_gender"] == {"kvinna": 1, "man": 2, "annat": 0}
    assert set(data["by_party"]) == {
        "arbetsformedlingen",
        "forsakringskassan",
        "region",
        "kommun_socialtjanst",
        "kommun_annan",
        "egen_anmalan",
    }
    assert data["by_party"]["egen_anmalan"] == 2
    assert {"gender": "man", "party": "egen_anmalan", "count": 2} in data["cells"]
    assert len(data["cells"]) == 18


def test_progression_per_indicator_hides_small_groups(activera, caseworker_alingsas, settings):
    answers_first = {i.code: 2 for i in activera.indicators.all()}
    answers_later = {i.code: 4 for i in activera.indicators.all()}
    for serial in range(6):
        enrolment = _enrol(caseworker_alingsas, serial=30 + serial, gender="kvinna" if serial < 5 else "man")
        measurement_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 2, 5),
            kind="first",
            answers=answers_first,
            today=FAR_FUTURE,
        )
        measurement_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 3, 5),
            kind="follow_up",
            answers=answers_later if serial != 0 else answers_first,
            today=FAR_FUTURE,
        )
    [first, *_rest] = tertial_progression(units_of(Organisation.objects.get(slug="alingsas")), 2026, 1)
    women = first["by_gender"]["kvinna"]
    assert women["measured"] == 5 and women["mean_change"] == 1.6 and women["share_improved"] == 0.8
    assert first["by_gender"]["man"] == {"measured": None, "mean_change": None, "share_improved": None}
    assert first["by_gender"]["total"]["measured"] == 6


def test_violence_counts_are_suppressed_with_a_complement(activera, caseworker_alingsas):
    for answer, times in (("ja", 2), ("nej", 9), ("vill_inte_svara", 6)):
        for _ in range(times):
            violence_questionnaire_record(
                actor=caseworker_alingsas,
                programme_unit=unit(),
                year=2026,
                tertial=2,
                answers={"psykiskt": answer, "fysiskt": "nej", "sexuellt": "nej"},
            )
    table = tertial_violence([unit()], 2026, 2)
    psych = table.cells[0]
    assert psych[0] is None  # 2 "ja" hidden
    assert psych.count(None) >= 2  # and another cell with it, so the total does not reveal it
    assert table.row_totals[0] == 17
    assert table.cells[1] == [None, None, None] or table.cells[1][1] == 17


def test_interim_statistics_by_gender_with_suppression(activera, caseworker_alingsas, settings):
    settings.INSYN_SUPPRESSION_THRESHOLD = 3
    enrolments = [_enrol(caseworker_alingsas, serial=50 + i, gender="kvinna" if i % 3 else "man") for i in range(7)]
    for index, enrolment in enumerate(enrolments[:5]):
        enrolment_exit(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            exit_date=D(2026, 5, 4 + index),
            exit_reason="genomford" if index < 4 else "flyttat",
            occupation_after="studier" if index < 3 else "arbete",
            income_after="",
            today=FAR_FUTURE,
        )
    data = period_report(kind="interim", year=2026, municipality=Organisation.objects.get(slug="alingsas"))
    assert data["due"] == "2026-09-10" and data["period"] == {"start": "2026-01-01", "end": "2026-08-31"}
    tables = {t["key"]: t for t in data["tables"]}
    participants = tables["participants"]
    assert participants["rows"] == ["Aktiva under perioden", "Nya", "Avslutade"]
    assert participants["columns"] == ["Kvinna", "Man", "Annat/vill inte ange"]
    assert participants["row_totals"] == [7, 7, 5]
    assert tables["places"]["cells"][0] == [85]
    exit_reason = tables["exit_reason"]
    moved = exit_reason["rows"].index("Flyttat")
    assert None in exit_reason["cells"][moved]  # one person moved: hidden
    assert set(data["progression"]) == {"T1", "T2"} and set(data["violence"]) == {"T1", "T2"}


def test_the_forbund_sees_municipalities_side_by_side_and_summed(
    activera, caseworker_alingsas, caseworker_lerum, forbund_officer
):
    _enrol(caseworker_alingsas, serial=70)
    _enrol(caseworker_lerum, serial=71, slug="lerum")
    data = period_report(kind="annual", year=2026, forbund=Organisation.objects.get(slug="insjoriket"))
    assert [m["municipality"] for m in data["municipalities"]] == [
        "alingsas",
        "harryda",
        "lerum",
        "molndal",
        "partille",
    ]
    assert data["due"] == "2027-02-10"
    total = {t["key"]: t for t in data["total"]["tables"]}
    assert total["participants"]["row_totals"][0] == 2
    assert total["places"]["cells"][0] == [475]
    assert "Fia" not in json.dumps(data) and "ALI-" not in json.dumps(data)


def test_xlsx_and_pdf_are_readable(activera, caseworker_alingsas, tmp_path, pdf_support):
    _enrol(caseworker_alingsas, serial=80)
    xlsx = tmp_path / "annual.xlsx"
    call_command(
        "activera",
        "report",
        "annual",
        "--municipality",
        "alingsas",
        "--year",
        "2026",
        "--format",
        "xlsx",
        "--output",
        str(xlsx),
        stderr=io.StringIO(),
    )
    workbook = load_workbook(xlsx)
    assert "Deltagare per kön" in workbook.sheetnames
    rows = list(workbook["Deltagare per kön"].iter_rows(values_only=True))
    assert rows[0][1:] == ("Kvinna", "Man", "Annat/vill inte ange", "Totalt")
    pdf = tmp_path / "annual.pdf"
    call_command(
        "activera",
        "report",
        "annual",
        "--forbund",
        "insjoriket",
        "--year",
        "2026",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        stderr=io.StringIO(),
    )
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "helårsredovisning 2026" in text and "Hela förbundet" in text and "Avslutsorsak" in text


def test_monthly_counts_are_not_suppressed(activera):
    refer(unit(), received_on=D(2026, 3, 2), serial=9, gender="annat", party="region")
    data = monthly_referrals([unit()], 2026, 3)
    assert data["by_gender"]["annat"] == 1


def test_a_bad_month_gets_a_clear_error(activera):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ÅÅÅÅ-MM"):
        call_command("activera", "report", "monthly", "--municipality", "alingsas", "--month", "2026-13")
