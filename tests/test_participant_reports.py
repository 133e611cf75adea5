import datetime
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.activera.exports import period_report
from apps.activera.reports import monthly_referrals, progression_counts, violence_counts
from apps.activera.services import enrolment_exit, measurement_add, referral_accept
from apps.activera.violence import violence_batch_record
from apps.organisations.models import Organisation
from tests.activera_helpers import EXECUTORS, FAR_FUTURE, deliver_all, refer, unit

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


def _released(slug: str, kind: str, year: int, period: int = 0) -> dict:
    from apps.activera.models import Delivery

    return Delivery.objects.get(
        programme_unit__unit__slug=f"{slug}-activera", kind=kind, year=year, period=period
    ).content


def test_progression_per_indicator_hides_small_groups(activera, caseworker_alingsas):
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
    counts = progression_counts([unit()], 2026, 1)
    assert counts["progression_measured"].cells[0] == [5, 1, 0]
    assert counts["progression_improved"].cells[0] == [4, 1, 0]
    assert counts["progression_change"].cells[0] == [8, 2, 0]
    deliver_all("tertial", 2026, 1)
    first = _released("alingsas", "tertial", 2026, 1)["progression"]["rows"][0]["by_gender"]
    assert first["kvinna"] == {"measured": 5, "mean_change": 1.6, "share_improved": 0.8}
    # One man: hidden, and so is the total (it would give him away, the women's figures being shown).
    assert first["man"] == {"measured": None, "mean_change": None, "share_improved": None}
    assert first["total"]["measured"] is None


def test_violence_counts_are_suppressed_with_a_complement(activera, caseworker_alingsas):
    forms = [
        {"psykiskt": answer, "fysiskt": "nej", "sexuellt": "nej"}
        for answer, times in (("ja", 2), ("nej", 9), ("vill_inte_svara", 6))
        for _ in range(times)
    ]
    violence_batch_record(
        actor=caseworker_alingsas, programme_unit=unit(), year=2026, tertial=2, forms=forms, today=FAR_FUTURE
    )
    assert violence_counts([unit()], 2026, 2).cells[0] == [2, 9, 6, 0]
    deliver_all("tertial", 2026, 2)
    table = next(t for t in _released("alingsas", "tertial", 2026, 2)["tables"] if t["key"] == "violence")
    psych = table["cells"][0]
    assert psych[0] is None  # 2 "ja" hidden
    # and another figure with it (a cell or the number of forms), so it cannot be subtracted out
    assert psych.count(None) >= 2 or table["row_totals"][0] is None


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
    deliver_all("interim", 2026)
    content = _released("alingsas", "interim", 2026)
    assert content["due"] == "2026-09-10" and content["period_label"] == "januari–augusti 2026"
    tables = {t["key"]: t for t in content["tables"]}
    participants = tables["participants"]
    assert participants["rows"] == ["Aktiva under perioden", "Nya under perioden", "Avslutade under perioden"]
    assert participants["columns"] == ["Kvinna", "Man", "Annat/vill inte ange"]
    assert participants["row_totals"][:2] == [7, 7] and participants["column_totals"] is None
    assert participants["cells"][2][1] is None  # one man left: hidden
    assert tables["places"]["cells"][0] == [85]
    exit_reason = tables["exit_reason"]
    moved = exit_reason["rows"].index("Flyttat")
    assert None in exit_reason["cells"][moved]  # one person moved: hidden


def test_a_single_participant_of_a_gender_is_hidden_in_every_table_that_crosses_it(activera, caseworker_alingsas):
    for serial in range(8):
        _enrol(caseworker_alingsas, serial=90 + serial, gender="annat" if serial == 0 else "kvinna")
    deliver_all("annual", 2026)
    content = _released("alingsas", "annual", 2026)
    for table in content["tables"]:
        if table["key"] in ("places", "weeks") or "annat" not in table["column_keys"]:
            continue
        other = table["column_keys"].index("annat")
        for row, cells in zip(table["rows"], table["cells"], strict=True):
            assert cells[other] in (0, None), (table["key"], row)


def test_the_forbund_sees_municipalities_side_by_side_and_summed(activera, caseworker_alingsas, caseworker_lerum):
    for n in range(3):
        _enrol(caseworker_alingsas, serial=70 + n)
        _enrol(caseworker_lerum, serial=75 + n, slug="lerum")
    deliver_all("annual", 2026)
    data = period_report(kind="annual", year=2026, forbund=Organisation.objects.get(slug="insjoriket"))
    assert [s["unit"] for s in data["sections"]] == [f"{m}-activera" for m in EXECUTORS]
    assert data["delivered"] == 5
    total = {t["key"]: t for t in data["total"]["tables"]}
    assert total["participants"]["row_totals"][0] == 6
    assert total["places"]["cells"][0] == [475]
    assert "Fia" not in json.dumps(data) and "ALI-" not in json.dumps(data) and "ALID-" not in json.dumps(data)


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
    deliver_all("annual", 2026)
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
    assert "Helårsredovisning – helåret 2026" in text and "Förbundet" in text and "avslutsorsak" in text


def test_the_municipality_sees_its_own_monthly_counts_whole(activera):
    refer(unit(), received_on=D(2026, 3, 2), serial=9, gender="annat", party="region")
    data = monthly_referrals([unit()], 2026, 3)
    assert data["by_gender"]["annat"] == 1


def test_monthly_counts_leave_unprotected_only_where_the_agreement_says_so(activera):
    from apps.activera.models import DeliveryTerms

    refer(unit(), received_on=D(2026, 3, 2), serial=9, gender="annat", party="region")
    refer(unit("lerum"), received_on=D(2026, 3, 2), serial=10, gender="annat", party="region", residence="lerum")
    DeliveryTerms.objects.create(
        programme_unit=unit(), year=2026, monthly_unprotected=True, clause="§ 3: redovisas utan skydd"
    )
    deliver_all("monthly", 2026, 3)
    alingsas = _released("alingsas", "monthly", 2026, 3)["tables"][0]
    lerum = _released("lerum", "monthly", 2026, 3)["tables"][0]
    region = alingsas["row_keys"].index("region")
    assert alingsas["unprotected"] and alingsas["cells"][region][2] == 1
    assert not lerum["unprotected"] and lerum["cells"][region][2] is None
    # The page and every file say why the table is whole.
    from apps.activera.deliveries import content_csv
    from apps.activera.exports import content_xlsx
    from apps.activera.models import Delivery

    content = Delivery.objects.get(programme_unit=unit(), kind="monthly").content
    assert "uttryckligen begär" in content_csv(content).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(content_xlsx(content)))
    assert any("uttryckligen begär" in str(c.value) for row in workbook.active.iter_rows() for c in row)


def test_a_bad_month_gets_a_clear_error(activera):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ÅÅÅÅ-MM"):
        call_command("activera", "report", "monthly", "--municipality", "alingsas", "--month", "2026-13")


@pytest.mark.parametrize("kind", ["monthly", "tertial", "interim", "annual"])
def test_the_report_command_writes_every_kind_in_every_format(
    activera, caseworker_alingsas, tmp_path, kind, pdf_support
):
    _enrol(caseworker_alingsas, serial=85)
    period = {"monthly": 2, "tertial": 1}.get(kind, 0)
    deliver_all(kind, 2026, period)
    titles = {
        "monthly": "Intresseanmälningar per månad – februari 2026",
        "tertial": "Tertialrapport – tertial 1 2026 (januari–april)",
        "interim": "Delårsredovisning – januari–augusti 2026",
        "annual": "Helårsredovisning – helåret 2026",
    }
    for scope in (["--municipality", "alingsas"], ["--forbund", "insjoriket"]):
        for fmt in ("json", "csv", "xlsx", "pdf"):
            out = tmp_path / f"{kind}-{scope[1]}.{fmt}"
            arguments = ["activera", "report", kind, *scope, "--year", "2026", "--format", fmt, "--output", str(out)]
            if period:
                arguments += ["--period", str(period)]
            call_command(*arguments, stderr=io.StringIO())
            if fmt == "json":
                data = json.loads(out.read_text())
                assert data.get("kind") == kind or data.get("month") == "2026-02"
            elif fmt == "csv":
                text = out.read_text(encoding="utf-8-sig")
                assert titles[kind] in text, (kind, scope, text[:200])
            elif fmt == "xlsx":
                assert load_workbook(out).sheetnames
            else:
                text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
                assert titles[kind] in text, (kind, scope, text[:200])
    # The old form of the monthly command still works.
    out = io.StringIO()
    call_command("activera", "report", "monthly", "--municipality", "alingsas", "--month", "2026-02", stdout=out)
    assert json.loads(out.getvalue())["month"] == "2026-02"
