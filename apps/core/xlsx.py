from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpResponse

from apps.core.http import download
from lib.spreadsheet import Sheet, Value, workbook_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *, filename: str, sheet_title: str, header: Sequence[str], rows: Sequence[Sequence[Value]]
) -> HttpResponse:
    return download(workbook_bytes([Sheet(sheet_title, header, rows)]), filename, XLSX_MIME)
