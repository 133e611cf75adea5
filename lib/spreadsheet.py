"""XLSX writing that never turns user text into a formula."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

from lib.translation import gettext

Value = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]


# A spreadsheet program may run a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Value) -> Value:
    """Text that no spreadsheet program will run: a leading formula character gets an apostrophe,
    which Excel and LibreOffice show as text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# A column whose numbers are years, codes or positions keeps its digits together; every other
# whole number is shown with a thousands separator (a space in a Swedish Excel or LibreOffice).
# The column titles are translated, so the English words count too.
_NOT_A_QUANTITY = re.compile(
    r"(^|\b)(år|födelseår|nummer|nr|kod|rad|kvartal|tertial|månad|period|id"  # i18n: data
    r"|year|birth year|code|row|quarter|month|four-month period)\b",
    re.IGNORECASE,
)
THOUSANDS_FORMAT = "#,##0"


def is_quantity_column(title: object) -> bool:
    return not _NOT_A_QUANTITY.search(str(title or ""))


def _write(cell: Cell, value: Value, *, quantity: bool = False) -> None:
    cell.value = safe_text(value)
    if isinstance(value, str):
        # openpyxl would otherwise read a leading '=' as a formula.
        cell.data_type = "s"
    elif quantity and isinstance(value, int) and not isinstance(value, bool):
        cell.number_format = THOUSANDS_FORMAT


_FORBIDDEN_IN_TITLE = re.compile(r"[:\\/?*\[\]]")


def sheet_title(title: str, taken: set[str]) -> str:
    """Excel's rules for a sheet title: at most 31 characters, none of : \\ / ? * [ ], unique
    (case-insensitively) in the workbook."""
    base = _FORBIDDEN_IN_TITLE.sub("-", title).strip("'") or gettext("Blad")
    candidate, counter = base[:31], 1
    while candidate.lower() in taken:
        counter += 1
        suffix = f" {counter}"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def workbook_bytes(sheets: Sequence[Sheet], *, empty_message: str | None = None) -> bytes:
    """A workbook with one sheet per `Sheet`; with none, one sheet saying `empty_message` (a
    workbook must have a visible sheet, and the reader should learn why it is empty)."""
    if not sheets:
        sheets = [Sheet(gettext("Tomt"), [empty_message or gettext("Inga uppgifter")], [])]
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    taken: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title, taken))
        for column, title in enumerate(sheet.header, start=1):
            cell = worksheet.cell(row=1, column=column)
            _write(cell, title)
            cell.font = Font(bold=True)
        quantities = [is_quantity_column(title) for title in sheet.header]
        for row_index, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                quantity = quantities[column - 1] if column <= len(quantities) else True
                _write(worksheet.cell(row=row_index, column=column), value, quantity=quantity)
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_rows_workbook(
    path: Path,
    *,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Value]],
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet straight to `path` in openpyxl's write-only mode, so a register of a
    million rows takes the memory of one row; returns the number of rows written. Text is never
    a formula, as in `workbook_bytes`. `on_row(count)` is called after each row (for progress)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet_title(title, set()))
    worksheet.freeze_panes = "A2"

    quantities = [is_quantity_column(title) for title in header]

    def cells(values: Sequence[Value], *, bold: bool = False) -> list[Cell]:
        out = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(worksheet, value=safe_text(value))
            if isinstance(value, str):
                cell.data_type = "s"
            elif not bold and isinstance(value, int) and (index >= len(quantities) or quantities[index]):
                cell.number_format = THOUSANDS_FORMAT
            if bold:
                cell.font = Font(bold=True)
            out.append(cell)
        return out

    worksheet.append(cells(header, bold=True))
    count = 0
    for row in rows:
        worksheet.append(cells(row))
        count += 1
        if on_row is not None:
            on_row(count)
    workbook.save(str(path))
    return count
