"""Reading an uploaded table (CSV or XLSX) into rows keyed by normalised header names."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass

from openpyxl import load_workbook


class TableError(ValueError):
    """The file as a whole cannot be read (not a row's problem)."""


def normalise_header(text: str) -> str:
    """Case-insensitive, å/ä → a, ö → o, spaces trimmed: 'Verkställd' → 'verkstalld'."""
    lowered = text.strip().lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace(" ", "_")


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the user sees it, values)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _from_rows(raw: list[list[str]]) -> Table:
    if not raw:
        raise TableError("Filen är tom.")
    headers = [normalise_header(h) for h in raw[0]]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        padded = list(values) + [""] * (len(headers) - len(values))
        rows.append((number, {h: padded[i].strip() for i, h in enumerate(headers) if h}))
    return Table(headers=[h for h in headers if h], rows=rows)


def read_table(filename: str, data: bytes) -> Table:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise TableError("Filen gick inte att läsa som XLSX.") from exc
        sheet = workbook.worksheets[0]
        raw = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return _from_rows(raw)
    if name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TableError("Filen är inte UTF-8. Spara den som CSV UTF-8 och försök igen.") from exc
        first_line = text.splitlines()[0] if text else ""
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        return _from_rows([list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)])
    raise TableError("Filen måste vara CSV eller XLSX.")


def parse_iso_date(text: str) -> datetime.date:
    try:
        if len(text) != 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} är inte ett datum på formen ÅÅÅÅ-MM-DD.") from exc
