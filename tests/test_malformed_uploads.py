"""Malformed and hostile uploads each get a clear Swedish error and change nothing."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.models import Decision, DecisionEvent
from apps.people.models import Person
from insyn.errors import ImportFailed
from tests.conftest import verified_client
from tests.test_decision_import import GOOD, HEADER, PNR_A, _csv, _import


def _nothing_changed() -> None:
    assert Decision.objects.count() == 0 and DecisionEvent.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action__in=[AuditAction.DECISION_IMPORT, AuditAction.PERSON_CREATE]).exists()


def _refused(municipality, data: bytes, name: str, match: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        _import(municipality, data, name)
    assert any(match in str(problem) for problem in caught.value.problems), caught.value.problems
    _nothing_changed()


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_file_in_another_encoding_is_refused_with_how_to_save_it(alingsas):
    latin = GOOD.decode("utf-8").lstrip("\ufeff").encode("cp1252", errors="replace")
    _refused(alingsas, latin, "register.csv", "CSV UTF-8")


def test_utf16_from_excels_unicode_text_is_read(alingsas):
    text = GOOD.decode("utf-8").lstrip("\ufeff")
    assert len(_import(alingsas, text.encode("utf-16"), "register.csv").created) == 3


def test_binary_garbage_is_refused_as_csv_and_as_xlsx(alingsas):
    garbage = bytes(range(256)) * 64
    _refused(alingsas, garbage, "register.csv", "ingen CSV-fil")
    _refused(alingsas, garbage, "register.xlsx", "gick inte att läsa som XLSX")
    _refused(alingsas, b"PK\x03\x04" + garbage, "register.xlsx", "gick inte att läsa som XLSX")


def test_formulas_in_cells_are_imported_as_plain_text_and_exported_harmless(alingsas):
    formula = '=HYPERLINK("http://angripare.invalid","klicka")'
    _import(alingsas, _csv(f"2022.1 SN;{PNR_A};2022-07-25;Kontaktfamilj;4 kap. 1 § SoL;;;;;;{formula}"))
    assert Decision.objects.get().delay_reason_text == formula  # stored as typed, nothing lost

    from lib.spreadsheet import FORMULA_TRIGGERS, Sheet, workbook_bytes

    exported = workbook_bytes([Sheet("Beslut", ["Skäl"], [[d.delay_reason_text] for d in Decision.objects.all()])])
    cell = load_workbook(io.BytesIO(exported)).active["A2"]
    assert cell.data_type == "s" and not cell.value.startswith(FORMULA_TRIGGERS)


def test_a_formula_cell_in_xlsx_is_read_as_its_text_not_run(alingsas):
    rows = [HEADER.split(";"), ["=1+1", PNR_A, "2022-07-25", "Kontaktfamilj", "4 kap. 1 § SoL"]]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.active["A2"].data_type = "s"  # as a user would type it into a text cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    _import(alingsas, buffer.getvalue(), "register.xlsx")
    assert Decision.objects.get().reference == "=1+1"


def test_fifty_thousand_columns_are_refused_before_they_are_read(alingsas):
    wide_csv = (";".join(f"k{i}" for i in range(50_000)) + "\n" + ";".join("x" * 50_000) + "\n").encode()
    _refused(alingsas, wide_csv, "register.csv", "50000 kolumner")
    # XLSX stops at Excel's 16 384 columns (XFD); the widest sheet there is gets the same answer.
    _refused(alingsas, _xlsx([[f"k{i}" for i in range(16_384)]]), "register.xlsx", "16384 kolumner")


def test_a_file_over_the_size_limit_is_refused(alingsas, settings):
    settings.INSYN_UPLOAD_MAX_MB = 1
    row = f"2022.1 SN;{PNR_A};2022-07-25;Kontaktfamilj;4 kap. 1 § SoL;;;;;;" + "x" * 200
    big = _csv(*[row.replace("2022.1 ", f"2022.{i} ") for i in range(6000)])
    assert len(big) > 1024 * 1024
    _refused(alingsas, big, "register.csv", "högst 1 MB")


def test_a_zip_bomb_disguised_as_xlsx_is_refused_without_unpacking_it(alingsas):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    _refused(alingsas, buffer.getvalue(), "register.xlsx", "packas upp till 300 MB")


def test_a_wrong_file_type_and_an_empty_file_are_refused(alingsas):
    _refused(alingsas, b"%PDF-1.7", "register.pdf", "CSV eller XLSX")
    _refused(alingsas, b"", "register.csv", "tom")
    _refused(alingsas, (HEADER + "\n").encode(), "register.csv", "inga rader")


def test_the_import_page_shows_the_reason_and_keeps_the_register_unchanged(alingsas, registrar_alingsas, settings):
    client = verified_client(registrar_alingsas)
    garbage = io.BytesIO(bytes(range(256)) * 64)
    garbage.name = "register.xlsx"
    response = client.post("/beslut/import/", {"municipality": alingsas.pk, "file": garbage}, follow=True)
    assert response.status_code == 200
    assert "gick inte att läsa som XLSX" in response.content.decode()
    settings.INSYN_UPLOAD_MAX_MB = 1
    big = io.BytesIO(b"x" * (2 * 1024 * 1024))
    big.name = "register.csv"
    response = client.post("/beslut/import/", {"municipality": alingsas.pk, "file": big}, follow=True)
    assert "högst 1 MB" in response.content.decode()
    _nothing_changed()


def test_an_error_late_in_a_long_file_rolls_back_the_batches_already_written(alingsas):
    from apps.decisions import services

    rows = [
        f"2022.{i} SN;{PNR_A};2022-07-25;Kontaktfamilj;4 kap. 1 § SoL;;;;;;" for i in range(services.IMPORT_BATCH + 5)
    ]
    rows.append(f"2022.fel SN;{PNR_A};2022-13-45;Kontaktfamilj;4 kap. 1 § SoL;;;;;;")
    with pytest.raises(ImportFailed, match="1 fel"):
        _import(alingsas, _csv(*rows))
    _nothing_changed()
