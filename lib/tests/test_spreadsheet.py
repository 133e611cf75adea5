import io

from openpyxl import load_workbook

from lib.spreadsheet import Sheet, workbook_bytes


def test_user_text_that_looks_like_a_formula_stays_text():
    data = workbook_bytes([Sheet("Blad", ["Namn"], [['=HYPERLINK("http://x")'], ["vanlig text"], [42]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Namn"
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A3"].value == "vanlig text"
    assert sheet["A4"].value == 42


def test_sheet_titles_follow_excels_rules() -> None:
    from lib.spreadsheet import sheet_title

    taken: set[str] = set()
    assert sheet_title("Platser: avtalade/använda [2025]?", taken) == "Platser- avtalade-använda -2025"
    assert sheet_title("Platser: avtalade/använda [2025]?", taken) == "Platser- avtalade-använda -20 2"
    assert sheet_title("", taken) == "Blad"


def test_no_exported_text_starts_with_a_formula_character():
    from lib.spreadsheet import FORMULA_TRIGGERS, safe_text

    hostile = ["=1+1", "+46 70", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    data = workbook_bytes([Sheet("Blad", ["Text"], [[text] for text in hostile])])
    values = [row[0] for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)]
    assert values == ["'" + text for text in hostile]
    assert not any(value.startswith(FORMULA_TRIGGERS) for value in values)
    assert safe_text(-5) == -5 and safe_text("−1 000 kr") == "−1 000 kr" and safe_text(None) is None


def test_a_streamed_workbook_holds_every_row_with_text_never_a_formula(tmp_path):
    from lib.spreadsheet import write_rows_workbook

    path = tmp_path / "register.xlsx"
    seen: list[int] = []
    rows = ([f"ref-{n}", n, "=1+1" if n == 2 else None] for n in range(1, 1001))
    count = write_rows_workbook(
        path, title="Register", header=["Referens", "Nummer", "Text"], rows=rows, on_row=seen.append
    )
    assert count == 1000 and seen[-1] == 1000
    sheet = load_workbook(path).active
    assert sheet.title == "Register"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Referens", "Nummer", "Text")
    assert len(values) == 1001
    assert values[1] == ("ref-1", 1, None)
    assert values[2] == ("ref-2", 2, "'=1+1")
    assert sheet["A1"].font.bold


def test_whole_numbers_get_a_thousands_separator_but_years_and_codes_do_not(tmp_path):
    from lib.spreadsheet import THOUSANDS_FORMAT, write_rows_workbook

    data = workbook_bytes([Sheet("Blad", ["Belopp", "År", "Kod", "Antal"], [[1650000, 2026, 4711, 3]])])
    row = next(iter(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2)))
    assert [cell.number_format for cell in row] == [THOUSANDS_FORMAT, "General", "General", THOUSANDS_FORMAT]
    assert [cell.value for cell in row] == [1650000, 2026, 4711, 3]
    path = tmp_path / "b.xlsx"
    write_rows_workbook(path, title="B", header=["Födelseår", "Belopp"], rows=[[1979, 12000]])
    streamed = next(iter(load_workbook(path).active.iter_rows(min_row=2)))
    assert [cell.number_format for cell in streamed] == ["General", THOUSANDS_FORMAT]
