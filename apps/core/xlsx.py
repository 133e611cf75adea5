from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpResponse

from lib.spreadsheet import Sheet, Value, workbook_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *, filename: str, sheet_title: str, header: Sequence[str], rows: Sequence[Sequence[Value]]
) -> HttpResponse:
    response = HttpResponse(workbook_bytes([Sheet(sheet_title, header, rows)]), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file the browser saves rather than shows."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
