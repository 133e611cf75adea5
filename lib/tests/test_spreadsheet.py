import io

from openpyxl import load_workbook

from lib.spreadsheet import Sheet, workbook_bytes


def test_user_text_that_looks_like_a_formula_stays_text():
    data = workbook_bytes([Sheet("Blad", ["Namn"], [['=HYPERLINK("http://x")'], ["vanlig text"], [42]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Namn"
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["A3"].value == "vanlig text"
    assert sheet["A4"].value == 42


def test_sheet_titles_follow_excels_rules() -> None:
    from lib.spreadsheet import sheet_title

    taken: set[str] = set()
    assert sheet_title("Platser: avtalade/använda [2025]?", taken) == "Platser- avtalade-använda -2025"
    assert sheet_title("Platser: avtalade/använda [2025]?", taken) == "Platser- avtalade-använda -20 2"
    assert sheet_title("", taken) == "Blad"
