"""The anonymous violence questionnaires, registered as batches of paper forms (issue 14)."""

from __future__ import annotations

import datetime
import importlib
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.activera.deliveries import delivery_submit
from apps.activera.models import ViolenceTally
from apps.activera.violence import violence_batch_import, violence_batch_record
from apps.audit.models import AuditEvent
from insyn.errors import ImportFailed, NotPermitted, ValidationFailed
from lib.participation import tertial_of
from tests.activera_helpers import FAR_FUTURE, unit
from tests.conftest import verified_client

D = datetime.date
TODAY = D(2026, 12, 1)
QUESTIONS = ["psykiskt", "fysiskt", "sexuellt"]
ANSWERS = ["ja", "nej", "vill_inte_svara", "ej_besvarad"]


def _counts(year=2026, tertial=3):
    tallies = ViolenceTally.objects.filter(programme_unit=unit(), year=year, tertial=tertial)
    return {(t.question, t.answer): t.count for t in tallies}


def _nonzero(year=2026, tertial=3):
    return {key: count for key, count in _counts(year, tertial).items() if count}


def _import(data, *, filename="formular.csv", year=2026, tertial=3, actor=None, today=TODAY, programme_unit=None):
    return violence_batch_import(
        actor=actor,
        programme_unit=programme_unit or unit(),
        year=year,
        tertial=tertial,
        filename=filename,
        data=data.encode() if isinstance(data, str) else data,
        today=today,
    )


def _problems(data, **kwargs):
    with pytest.raises(ImportFailed) as info:
        _import(data, **kwargs)
    return [str(problem) for problem in info.value.problems]


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sums(counts):
    return {q: sum(counts[(q, a)] for a in ANSWERS) for q in QUESTIONS}


def test_a_csv_batch_adds_up_and_every_question_sums_to_the_number_of_forms(activera, caseworker_alingsas):
    result = _import(
        "psykiskt;fysiskt;sexuellt\nja;nej;vill_inte_svara\n JA ;Nej ; Vill inte svara \nnej;;\n;;\n\n",
        actor=caseworker_alingsas,
    )
    assert (result.forms, result.tertial_forms) == (3, 3)
    assert _nonzero() == {
        ("psykiskt", "ja"): 2,
        ("psykiskt", "nej"): 1,
        ("fysiskt", "nej"): 2,
        ("fysiskt", "ej_besvarad"): 1,
        ("sexuellt", "vill_inte_svara"): 2,
        ("sexuellt", "ej_besvarad"): 1,
    }
    # A second batch, comma-separated with a byte order mark, adds to the same counts.
    second = _import("\ufeffPsykiskt,Fysiskt,Sexuellt\r\nnej,nej,nej\r\nvill_inte_svara,ja,nej\r\n")
    assert (second.forms, second.tertial_forms) == (2, 5)
    counts = _counts()
    assert counts[("psykiskt", "nej")] == 2 and counts[("sexuellt", "nej")] == 2
    assert _sums(counts) == dict.fromkeys(QUESTIONS, 5)


def test_an_xlsx_batch_adds_up_like_a_csv(activera):
    data = _xlsx(
        [
            ["sexuellt", "psykiskt", "fysiskt"],
            ["nej", "ja", "nej"],
            ["Nej", None, "vill inte svara"],
            ["ja", "nej", "NEJ"],
            [None, None, None],
        ]
    )
    result = _import(data, filename="omgang.xlsx")
    assert result.forms == 3
    assert _nonzero() == {
        ("sexuellt", "nej"): 2,
        ("sexuellt", "ja"): 1,
        ("psykiskt", "ja"): 1,
        ("psykiskt", "nej"): 1,
        ("psykiskt", "ej_besvarad"): 1,
        ("fysiskt", "nej"): 2,
        ("fysiskt", "vill_inte_svara"): 1,
    }


def test_every_problem_of_a_file_is_listed_at_once_by_row_and_column_and_nothing_changes(activera):
    _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n")
    before = _counts()
    events = AuditEvent.objects.count()
    problems = _problems(
        "psykiskt;fysiskt;sexuellt\n"
        "ja;nej;nej\n"  # row 2: fine
        "kanske;nej;-\n"  # row 3: two answers that are none
        ";;\n"  # row 4: an empty form
        "\n"  # row 5: an empty form too
        "nej;nej;nej\n"  # row 6: fine
        "nej;nej;kanske\n"  # row 7
        ";;\n"  # trailing empty rows are only the end of the sheet
        "\n"
    )
    assert problems == [
        "Rad 3, kolumn psykiskt: ”kanske” är inget svar; använd ja, nej, vill_inte_svara eller lämna tomt.",
        "Rad 3, kolumn sexuellt: ”-” är inget svar; använd ja, nej, vill_inte_svara eller lämna tomt.",
        "Rad 4: Raden är tom: ett formulär utan ett enda svar räknas inte. Ta bort raden eller fyll i svaren.",
        "Rad 5: Raden är tom: ett formulär utan ett enda svar räknas inte. Ta bort raden eller fyll i svaren.",
        "Rad 7, kolumn sexuellt: ”kanske” är inget svar; använd ja, nej, vill_inte_svara eller lämna tomt.",
    ]
    assert _counts() == before
    assert AuditEvent.objects.count() == events


def test_unknown_and_missing_columns_are_listed_with_the_rows_problems(activera):
    problems = _problems("Psykiskt;sexuellt;kommentar\nja;;trött\nnej;nja;\n")
    assert problems == [
        "Rad 1, kolumn kommentar: okänd kolumn; rubrikraden ska vara frågornas nycklar: psykiskt, fysiskt, sexuellt.",
        "Rad 1, kolumn fysiskt: kolumnen saknas i rubrikraden.",
        "Rad 3, kolumn sexuellt: ”nja” är inget svar; använd ja, nej, vill_inte_svara eller lämna tomt.",
    ]
    assert not ViolenceTally.objects.exists()


def test_a_file_without_forms_or_in_another_format_is_refused(activera):
    assert _problems("psykiskt;fysiskt;sexuellt\n;;\n\n") == ["Filen: inga formulär att registrera, bara rubrikraden."]
    assert _problems("ja;nej", filename="formular.pdf") == ["Filen: Filen måste vara CSV eller XLSX."]
    assert _problems(b"\xff\xfe\x00garbage", filename="formular.xlsx") == ["Filen: Filen gick inte att läsa som XLSX."]
    assert not ViolenceTally.objects.exists()


def test_a_tertial_that_has_not_begun_is_refused(activera):
    with pytest.raises(ValidationFailed) as info:
        _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", year=2027, tertial=1)
    assert info.value.fields["tertial"] == [
        "T1 2027 har inte börjat än (den börjar 2027-01-01). Formulär registreras på den tertial de fylldes i."
    ]
    with pytest.raises(ValidationFailed):
        _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", year=2026, tertial=3, today=D(2026, 8, 31))
    assert _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", year=2026, tertial=3, today=D(2026, 9, 1)).forms == 1


def test_a_tertial_that_ended_before_the_agreement_period_is_refused(activera):
    assert unit().period_start == D(2023, 1, 1)
    with pytest.raises(ValidationFailed) as info:
        _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", year=2022, tertial=3)
    assert info.value.fields["tertial"] == ["T3 2022 slutade före avtalsperioden, som började 2023-01-01."]
    assert _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", year=2023, tertial=1).forms == 1


def test_a_delivered_tertial_is_refused_and_the_next_open_tertial_is_named(activera, caseworker_alingsas):
    _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", year=2026, tertial=2)
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="tertial", year=2026, period=2, today=FAR_FUTURE)
    with pytest.raises(ValidationFailed) as info:
        _import("psykiskt;fysiskt;sexuellt\nnej;nej;nej\n", year=2026, tertial=2)
    assert info.value.fields["tertial"] == [
        "Leveransen för T2 2026 är redan inlämnad till förbundet. Formulär som kommer in sent räknas i "
        "nästa leverans: registrera dem på T3 2026."
    ]
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="tertial", year=2026, period=3, today=FAR_FUTURE)
    with pytest.raises(ValidationFailed) as info:
        _import("psykiskt;fysiskt;sexuellt\nnej;nej;nej\n", year=2026, tertial=2)
    assert "registrera dem på T1 2027 när den har börjat (2027-01-01)." in info.value.message
    assert _nonzero(2026, 2) == {("psykiskt", "ja"): 1, ("fysiskt", "ja"): 1, ("sexuellt", "ja"): 1}
    # Another unit's delivery does not close Alingsås' tertial.
    assert _import("psykiskt;fysiskt;sexuellt\nnej;nej;nej\n", programme_unit=unit("lerum"), tertial=2).forms == 1


def test_only_staff_of_the_units_municipality_may_register_forms(activera, caseworker_lerum):
    with pytest.raises(NotPermitted):
        _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n", actor=caseworker_lerum)
    assert not ViolenceTally.objects.exists()


def test_the_first_batch_creates_every_row_of_the_tertial_at_once_with_zeros(activera):
    with CaptureQueriesContext(connection) as queries:
        _import("psykiskt;fysiskt;sexuellt\nvill_inte_svara;;\n")
    writes = [q["sql"] for q in queries.captured_queries if '"activera_violencetally"' in q["sql"]]
    assert [sql.split()[0] for sql in writes if not sql.startswith("SELECT")] == ["INSERT", "UPDATE"]
    rows = list(ViolenceTally.objects.order_by("pk"))
    assert [(t.year, t.tertial, t.question, t.answer) for t in rows] == [
        (2026, 3, q, a) for q in QUESTIONS for a in ANSWERS
    ]
    assert {(t.question, t.answer): t.count for t in rows if t.count} == {
        ("psykiskt", "vill_inte_svara"): 1,
        ("fysiskt", "ej_besvarad"): 1,
        ("sexuellt", "ej_besvarad"): 1,
    }
    # A later batch creates nothing and changes the counts in one statement.
    with CaptureQueriesContext(connection) as queries:
        _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\nnej;nej;nej\n")
    writes = [q["sql"] for q in queries.captured_queries if '"activera_violencetally"' in q["sql"]]
    assert [sql.split()[0] for sql in writes if not sql.startswith("SELECT")] == ["UPDATE"]
    assert ViolenceTally.objects.count() == 12 and _sums(_counts()) == dict.fromkeys(QUESTIONS, 3)


def test_the_batch_is_audited_by_its_size_never_its_answers(activera, caseworker_alingsas):
    _import("psykiskt;fysiskt;sexuellt\nja;nej;nej\nnej;nej;vill_inte_svara\n", actor=caseworker_alingsas)
    (event,) = AuditEvent.objects.filter(object_type="violence_batch")
    assert event.actor_username == caseworker_alingsas.username and event.municipality_slug == "alingsas"
    assert event.details == {"unit": "alingsas-activera", "year": 2026, "tertial": 3, "forms": 2}


def test_a_batch_given_as_forms_follows_the_same_rules(activera, caseworker_alingsas):
    result = violence_batch_record(
        actor=caseworker_alingsas,
        programme_unit=unit(),
        year=2026,
        tertial=3,
        forms=[{"psykiskt": "ja"}, {"fysiskt": "Vill inte svara", "sexuellt": "nej"}],
        today=TODAY,
    )
    assert result.forms == 2 and _sums(_counts()) == dict.fromkeys(QUESTIONS, 2)
    with pytest.raises(ValidationFailed) as info:
        violence_batch_record(
            actor=caseworker_alingsas,
            programme_unit=unit(),
            year=2026,
            tertial=3,
            forms=[{"psykiskt": "kanske"}, {}, {"okand": "ja"}],
            today=TODAY,
        )
    assert info.value.fields["forms"] == [
        "Formulär 1, fråga psykiskt: ”kanske” är inget svar; använd ja, nej, vill_inte_svara eller lämna tomt.",
        "Formulär 2: inget svar alls; ett tomt formulär räknas inte.",
        "Formulär 3, fråga okand: programmet har ingen sådan fråga.",
        "Formulär 3: inget svar alls; ett tomt formulär räknas inte.",
    ]
    assert _sums(_counts()) == dict.fromkeys(QUESTIONS, 2)


def test_the_questions_command_prints_only_the_keys(activera, capsys):
    call_command("activera", "violence", "questions")
    captured = capsys.readouterr()
    assert captured.out == "psykiskt\nfysiskt\nsexuellt\n"


def test_the_import_command_registers_a_file_and_lists_every_problem(activera, tmp_path, capsys):
    good = tmp_path / "formular.csv"
    good.write_text("psykiskt;fysiskt;sexuellt\nja;nej;nej\nnej;;nej\n", encoding="utf-8")
    args = ["activera", "violence", "import", "--unit", "alingsas-activera", "--year", "2026", "--tertial", "2"]
    call_command(*args, str(good))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2 formulär registrerades för ACTivera Alingsås, T2 2026. Tertialen har nu 2 formulär." in captured.err
    bad = tmp_path / "fel.csv"
    bad.write_text("psykiskt;fysiskt;extra\nja;kanske;\n;;\nja;ja;\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command(*args, str(bad))
    message = str(info.value)
    assert message.splitlines() == [
        "Inget importerades: 4 fel.",
        "Rad 1, kolumn extra: okänd kolumn; rubrikraden ska vara frågornas nycklar: psykiskt, fysiskt, sexuellt.",
        "Rad 1, kolumn sexuellt: kolumnen saknas i rubrikraden.",
        "Rad 2, kolumn fysiskt: ”kanske” är inget svar; använd ja, nej, vill_inte_svara eller lämna tomt.",
        "Rad 3: Raden är tom: ett formulär utan ett enda svar räknas inte. Ta bort raden eller fyll i svaren.",
    ]
    with pytest.raises(CommandError, match="ingen utförare"):
        call_command(
            "activera", "violence", "import", "--unit", "alingsas", "--year", "2026", "--tertial", "2", str(good)
        )
    with pytest.raises(CommandError, match="har inte börjat"):
        call_command(
            "activera",
            "violence",
            "import",
            "--unit",
            "alingsas-activera",
            "--year",
            "2100",
            "--tertial",
            "1",
            str(good),
        )
    assert _sums(_counts(2026, 2)) == dict.fromkeys(QUESTIONS, 2)


def _upload(content, name):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_the_page_registers_an_uploaded_file_and_shows_the_counts(activera, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    today = timezone.localdate()
    data = _xlsx([QUESTIONS, ["ja", "nej", "nej"], ["nej", "nej", None], ["nej", "ja", "vill inte svara"]])
    response = client.post(
        "/deltagare/vald/",
        {
            "programme_unit": unit().pk,
            "year": today.year,
            "tertial": tertial_of(today),
            "file": _upload(data, "omgang.xlsx"),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/deltagare/vald/"
    page = client.get("/deltagare/vald/").content.decode()
    assert "3 formulär registrerades för ACTivera Alingsås" in page
    assert "Öppen, inte levererad" in page and f"T{tertial_of(today)} {today.year}" in page
    assert _sums(_counts(today.year, tertial_of(today))) == dict.fromkeys(QUESTIONS, 3)


def test_the_page_shows_every_problem_and_keeps_the_choices(activera, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    today = timezone.localdate()
    response = client.post(
        "/deltagare/vald/",
        {
            "programme_unit": unit().pk,
            "year": today.year - 1,
            "tertial": 2,
            "file": _upload(b"psykiskt;fysiskt;sexuellt\nja;ja;ja\n;;\nnej;nej;nej\nnej;nej;kanske\n", "f.csv"),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Inget importerades: 2 fel." in page
    assert "Rad 3: Raden är tom" in page
    assert "Rad 5, kolumn sexuellt: ”kanske” är inget svar" in page
    assert f'<option value="{today.year - 1}" selected>' in page
    assert '<option value="2" selected>' in page
    assert f'<option value="{unit().pk}" selected>' in page
    assert not ViolenceTally.objects.exists()


def test_the_page_refuses_a_delivered_tertial_on_the_tertial_field(activera, caseworker_alingsas):
    today = timezone.localdate()
    last_year = today.year - 1
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="tertial", year=last_year, period=1, today=FAR_FUTURE)
    response = verified_client(caseworker_alingsas).post(
        "/deltagare/vald/",
        {
            "programme_unit": unit().pk,
            "year": last_year,
            "tertial": 1,
            "file": _upload(b"psykiskt;fysiskt;sexuellt\nja;ja;ja\n", "f.csv"),
        },
    )
    page = response.content.decode()
    assert f"Leveransen för T1 {last_year} är redan inlämnad" in page
    assert f"registrera dem på T2 {last_year}" in page
    assert not ViolenceTally.objects.exists()
    overview = verified_client(caseworker_alingsas).get("/deltagare/vald/").content.decode()
    assert "Levererad " in overview


def test_the_templates_have_the_question_keys_and_explain_them(activera, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    response = client.get("/deltagare/vald/mall.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    forms_sheet, keys_sheet = workbook.worksheets
    assert [c.value for c in forms_sheet[1]] == QUESTIONS and forms_sheet.max_row == 1
    keys = list(keys_sheet.iter_rows(values_only=True))
    assert keys[0] == ("Nyckel", "Fråga", "Tillåtna svar")
    assert [row[0] for row in keys[1:]] == QUESTIONS
    assert keys[1][1] == unit().programme.violence_questions[0]["label"]
    assert all("vill_inte_svara" in row[2] for row in keys[1:])
    csv_response = client.get("/deltagare/vald/mall.csv")
    assert csv_response.content.decode("utf-8-sig") == "psykiskt;fysiskt;sexuellt\r\n"
    # The template, filled in, is a valid batch.
    forms_sheet.append(["ja", None, "nej"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _import(buffer.getvalue(), filename="mall.xlsx").forms == 1


def test_another_municipalitys_unit_gets_404(activera, caseworker_lerum):
    today = timezone.localdate()
    response = verified_client(caseworker_lerum).post(
        "/deltagare/vald/",
        {
            "programme_unit": unit().pk,
            "year": today.year,
            "tertial": tertial_of(today),
            "file": _upload(b"psykiskt;fysiskt;sexuellt\nja;ja;ja\n", "f.csv"),
        },
    )
    assert response.status_code == 404
    assert not ViolenceTally.objects.exists()


def test_another_municipalitys_counts_are_not_shown(activera, caseworker_lerum):
    _import("psykiskt;fysiskt;sexuellt\nja;ja;ja\n")
    page = verified_client(caseworker_lerum).get("/deltagare/vald/").content.decode()
    assert "ACTivera Lerum" in page and "ACTivera Alingsås" not in page


@pytest.mark.parametrize("path", ["/deltagare/vald/", "/deltagare/vald/mall.xlsx", "/deltagare/vald/mall.csv"])
def test_an_anonymous_visitor_is_sent_to_log_in(activera, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/?next=")


def test_the_migration_rewrites_counted_tertials_in_the_fixed_order(activera):
    """Tallies counted one form at a time have rows in the order answers first came in."""
    from django.apps import apps

    for question, answer, count in [("sexuellt", "ja", 2), ("psykiskt", "nej", 3), ("fysiskt", "nej", 1)]:
        ViolenceTally.objects.create(
            programme_unit=unit(), year=2025, tertial=2, question=question, answer=answer, count=count
        )
    ViolenceTally.objects.create(programme_unit=unit(), year=2025, tertial=2, question="psykiskt", answer="ja", count=0)
    migration = importlib.import_module("apps.activera.migrations.0007_violence_answer_not_answered")
    migration.rewrite_tallies_in_fixed_order(apps, None)
    rows = list(ViolenceTally.objects.order_by("pk"))
    assert [(t.question, t.answer) for t in rows] == [(q, a) for q in QUESTIONS for a in ANSWERS]
    counts = {(t.question, t.answer): t.count for t in rows if t.count}
    # Three forms: the questions with fewer counts came from forms that did not answer them.
    assert counts == {
        ("psykiskt", "nej"): 3,
        ("fysiskt", "nej"): 1,
        ("fysiskt", "ej_besvarad"): 2,
        ("sexuellt", "ja"): 2,
        ("sexuellt", "ej_besvarad"): 1,
    }


def test_a_file_with_very_many_problems_lists_the_first_thousand(activera):
    problems = _problems("psykiskt;fysiskt;sexuellt\n" + "kanske;nej;nej\n" * 1200)
    assert len(problems) == 1001
    assert problems[0].startswith("Rad 2, kolumn psykiskt:") and problems[999].startswith("Rad 1001,")
    assert problems[-1] == "Filen: fler fel än så; de första 1000 visas."
