import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.decisions.models import Decision
from apps.decisions.services import decisions_import
from apps.people.models import Person
from insyn.errors import ImportFailed
from lib.identity_numbers import LegalSex, fictional_number
from tests.conftest import verified_client

HEADER = "referens;personnummer;beslutsdatum;insats;lagrum;verkstalld;avbrott;aterupptagen;avslutad;avslutsorsak;skal"
PNR_A = fictional_number(datetime.date(1990, 1, 15), serial=21, legal_sex=LegalSex.FEMALE)
PNR_B = fictional_number(datetime.date(1984, 9, 2), serial=47, legal_sex=LegalSex.MALE)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8")


GOOD = _csv(
    f"2022.301 SN;{PNR_A};2022-07-25;Kontaktfamilj;4 kap. 1 § SoL;;;;;;Lämplig kontaktfamilj har inte hittats",
    f"2022.210 SN;{PNR_B};2022-06-21;Daglig sysselsättning;4.1 § SoL;;;;2022-10-31;Behovet har upphört;Plats saknas",
    f"2022.150 SN;{PNR_B};2022-03-01;Boendestöd;sol2001-4-1;2022-04-01;2022-06-15;2022-10-01;;;",
)


def _import(municipality, data: bytes, name: str = "register.csv"):
    return decisions_import(
        actor=None, municipality=municipality, filename=name, data=data, today=datetime.date(2026, 11, 22)
    )


def test_a_valid_file_is_imported_with_its_events_and_people(alingsas):
    result = _import(alingsas, GOOD)
    assert result.created == ["2022.301 SN", "2022.210 SN", "2022.150 SN"] and result.updated == []
    ended = Decision.objects.get(reference="2022.210 SN")
    assert [(e.kind, e.date.isoformat(), e.end_reason) for e in ended.events.all()] == [
        ("ended", "2022-10-31", "need_ceased")
    ]
    assert ended.delay_reason_text == "Plats saknas"
    assert [e.kind for e in Decision.objects.get(reference="2022.150 SN").events.all()] == [
        "executed",
        "interrupted",
        "resumed",
    ]
    assert Person.objects.filter(municipality=alingsas).count() == 2  # the same number twice is one person


def test_a_re_import_updates_and_says_so(alingsas):
    _import(alingsas, GOOD)
    before = Decision.objects.get(reference="2022.301 SN")
    changed = _csv(f"2022.301 SN;{PNR_B};2022-07-20;Kontaktperson;4 kap. 1 § SoL;2022-12-01;;;;;Ny bedömning")
    result = _import(alingsas, changed)
    assert result.updated == ["2022.301 SN"] and result.created == []
    after = Decision.objects.get(reference="2022.301 SN")
    assert after.events.get().kind == "executed"
    assert (after.decision_date, after.decision_type.name, after.delay_reason_text) == (
        datetime.date(2022, 7, 20),
        "Kontaktperson",
        "Ny bedömning",
    )
    assert after.person == Decision.objects.get(reference="2022.210 SN").person  # now PNR_B's
    assert after.version == before.version + 1 and after.updated_at > before.updated_at
    assert Decision.objects.count() == 3


def test_any_invalid_row_saves_nothing_and_every_error_is_listed(alingsas):
    bad = _csv(
        f"A-1;{PNR_A};2022-07-25;Kontaktfamilj;4 kap. 1 § SoL;;;;;;",
        "A-2;19900115-0000;2022-13-01;Trollstav;9 kap. 9 § XYZ;;;;;;",
        f"A-3;{PNR_B};2022-06-21;Boendestöd;4 kap. 1 § SoL;;;2022-08-01;;;",
        f"A-4;{PNR_B};2022-06-21;Boendestöd;4 kap. 1 § SoL;;;;2022-08-01;;",
        f"A-5;{PNR_B};2025-08-01;Boendestöd;4 kap. 1 § SoL;;;;;;",
        f"A-1;{PNR_A};2022-07-25;Kontaktfamilj;4 kap. 1 § SoL;;;;;;",
    )
    with pytest.raises(ImportFailed) as info:
        _import(alingsas, bad)
    problems = {(p.row, p.column) for p in info.value.problems}
    assert {(3, "personnummer"), (3, "beslutsdatum"), (3, "insats"), (3, "lagrum")} <= problems
    assert (4, "aterupptagen") in problems  # resumed without an interruption
    assert (5, "avslutsorsak") in problems  # ended without a reason
    assert (6, "lagrum") in problems  # the old law after 2025-07-01
    assert (7, "referens") in problems  # the same reference twice in the file
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("Rad 6, kolumn lagrum: Lagrummet 4.1 § SoL gällde inte") for m in messages)
    assert not Decision.objects.exists() and not Person.objects.exists()


def test_missing_columns_and_unreadable_files_are_reported(alingsas):
    with pytest.raises(ImportFailed) as info:
        _import(alingsas, _csv("x;y", header="referens;personnummer"))
    assert {p.column for p in info.value.problems} == {"beslutsdatum", "insats", "lagrum"}
    with pytest.raises(ImportFailed, match="1 fel"):
        _import(alingsas, b"%PDF-1.4", name="register.pdf")


def test_headers_are_matched_loosely_and_commas_work(alingsas):
    data = _csv(
        f"A-1,{PNR_A},2022-07-25,Kontaktfamilj,4.1 § SoL,,,,2022-11-02,Ansökan återkallad,",
        header="Referens,Personnummer,Beslutsdatum,Insats,Lagrum,Verkställd,Avbrott,Återupptagen,Avslutad,Avslutsorsak,Skäl",
    )
    assert _import(alingsas, data).created == ["A-1"]


def test_xlsx_imports_too(alingsas):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["X-1", PNR_A, datetime.datetime(2022, 7, 25), "Kontaktfamilj", "4 kap. 1 § SoL"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _import(alingsas, buffer.getvalue(), name="register.xlsx").created == ["X-1"]


def test_the_page_shows_each_error_and_keeps_nothing(registrar_alingsas, alingsas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = verified_client(registrar_alingsas)
    upload = SimpleUploadedFile("register.csv", _csv(f"A-1;{PNR_A};2022-02-30;Kontaktfamilj;4 kap. 1 § SoL;;;;;;"))
    # The import runs as a job: the page redirects to the job's page, which shows how it ended.
    html = client.post("/beslut/import/", {"municipality": alingsas.pk, "file": upload}, follow=True).content.decode()
    assert "Rad 2, kolumn beslutsdatum" in html and "ÅÅÅÅ-MM-DD" in html
    assert not Decision.objects.exists()
    ok = client.post(
        "/beslut/import/", {"municipality": alingsas.pk, "file": SimpleUploadedFile("r.csv", GOOD)}, follow=True
    )
    assert "3 beslut lades till" in ok.content.decode()


def test_the_command_imports_and_fails_all_or_nothing(alingsas, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    out = io.StringIO()
    call_command("decisions", "import", "--municipality", "alingsas", str(good), stdout=out)
    assert "3 beslut lades till" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(f"B-1;{PNR_A};2022-07-25;Kontaktfamilj;nope;;;;;;"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("decisions", "import", "--municipality", "alingsas", str(bad), stderr=err)
    assert "Rad 2, kolumn lagrum" in err.getvalue()
    assert not Decision.objects.filter(reference="B-1").exists()


def test_the_command_names_the_first_updated_decisions_and_counts_the_rest(alingsas, tmp_path, monkeypatch):
    from apps.decisions.management.commands import decisions as command

    monkeypatch.setattr(command, "LISTED_UPDATES", 2)
    register = tmp_path / "register.csv"
    register.write_bytes(GOOD)
    call_command("decisions", "import", "--municipality", "alingsas", str(register), stdout=io.StringIO())
    out = io.StringIO()
    call_command("decisions", "import", "--municipality", "alingsas", str(register), stdout=out)
    assert "0 beslut lades till, 3 uppdaterades." in out.getvalue()
    assert "Uppdaterade: 2022.301 SN, 2022.210 SN … och 1 till." in out.getvalue()


def test_the_api_imports_with_the_same_rules(registrar_alingsas, registrar_lerum_factory, alingsas):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=registrar_alingsas)}")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/decisions/import/",
        {"municipality": "alingsas", "file": SimpleUploadedFile("r.csv", GOOD)},
        format="multipart",
    )
    assert response.status_code == 202
    job = client.get(response.json()["job"]).json()
    assert job["state"] == "done" and len(job["result"]["created"]) == 3
    outsider = APIClient()
    outsider.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=registrar_lerum_factory())}")
    refused = outsider.post(
        "/api/v1/decisions/import/",
        {"municipality": "alingsas", "file": SimpleUploadedFile("r.csv", GOOD)},
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["municipality"]
