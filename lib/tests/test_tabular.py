import datetime
import io

import pytest
from openpyxl import Workbook

from lib.tabular import TableError, normalise_header, parse_iso_date, read_table


def test_headers_are_folded():
    assert normalise_header(" Verkställd ") == "verkstalld"
    assert normalise_header("ÅTERUPPTAGEN") == "aterupptagen"
    assert normalise_header("Avslutsorsak") == "avslutsorsak"


def test_it_reads_semicolon_csv_with_a_bom_and_skips_blank_rows():
    data = "\ufeffReferens;Beslutsdatum\nA-1;2022-07-25\n;\nA-2;2022-08-01\n".encode()
    table = read_table("x.csv", data)
    assert table.headers == ["referens", "beslutsdatum"]
    assert table.rows == [
        (2, {"referens": "A-1", "beslutsdatum": "2022-07-25"}),
        (4, {"referens": "A-2", "beslutsdatum": "2022-08-01"}),
    ]


def test_it_detects_a_comma_separator():
    assert read_table("x.csv", b'referens,skal\nA,"text; med semikolon"\n').rows[0][1]["skal"] == "text; med semikolon"


def test_it_reads_xlsx_with_real_dates():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["referens", "beslutsdatum"])
    sheet.append(["A-1", datetime.datetime(2022, 7, 25)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table("x.xlsx", buffer.getvalue()).rows == [(2, {"referens": "A-1", "beslutsdatum": "2022-07-25"})]


def test_it_refuses_other_files_and_encodings():
    with pytest.raises(TableError, match="CSV eller XLSX"):
        read_table("x.pdf", b"%PDF")
    with pytest.raises(TableError, match="UTF-8"):
        read_table("x.csv", "referens;skäl\n".encode("latin-1"))


def test_dates_must_be_iso():
    assert parse_iso_date("2022-07-25") == datetime.date(2022, 7, 25)
    for bad in ("25/7/2022", "2022-7-25", "2022-02-30"):
        with pytest.raises(ValueError, match="ÅÅÅÅ-MM-DD"):
            parse_iso_date(bad)
