"""Reading an uploaded table (CSV or XLSX) into rows keyed by normalised header names.

Rows are streamed, so memory does not grow with the file; the limits refuse what no register
export looks like (huge files, thousands of columns, zip bombs disguised as XLSX) before any work
is done, each with a message the user can act on."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from openpyxl import load_workbook

from lib.swedish import quoted
from lib.translation import gettext


class TableError(ValueError):
    """The file as a whole cannot be read (not a row's problem)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_columns: int = 100
    max_cell_chars: int = 10_000
    # An XLSX is a zip: refuse one that would unpack to far more than it weighs.
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_compression_ratio: int = 200


DEFAULT_LIMITS = Limits()


def normalise_header(text: str) -> str:
    """Case-insensitive, å/ä → a, ö → o, spaces trimmed: 'Verkställd' → 'verkstalld'."""
    lowered = text.strip().lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace(" ", "_")


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the user sees it, values)


@dataclass
class StreamedTable:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]


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


def _size_of(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


def _stream_rows(raw: Iterator[list[str]], limits: Limits) -> StreamedTable:
    try:
        first = next(raw)
    except StopIteration:
        raise TableError(gettext("Filen är tom.")) from None
    if not any(cell.strip() for cell in first):
        raise TableError(gettext("Filen är tom eller saknar rubrikrad på första raden."))
    if len(first) > limits.max_columns:
        raise TableError(
            gettext(
                "Rubrikraden har %(count)s kolumner; högst %(max)s tas emot. "
                "Kontrollera att det är rätt fil och rätt blad."
            )
            % {"count": len(first), "max": limits.max_columns}
        )
    headers = [normalise_header(h) for h in first]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(raw, start=2):
            if len(values) > limits.max_columns:
                raise TableError(
                    gettext("Rad %(row)s har %(count)s kolumner; högst %(max)s tas emot.")
                    % {"row": number, "count": len(values), "max": limits.max_columns}
                )
            if not any(v.strip() for v in values):
                continue
            long = next((i for i, v in enumerate(values) if len(v) > limits.max_cell_chars), None)
            if long is not None:
                raise TableError(
                    gettext("Rad %(row)s har en cell med mer än %(max)s tecken.")
                    % {"row": number, "max": limits.max_cell_chars}
                )
            padded = list(values) + [""] * (len(headers) - len(values))
            yield number, {h: padded[i].strip() for i, h in enumerate(headers) if h}

    return StreamedTable(headers=[h for h in headers if h], rows=rows())


def _check_zip(stream: IO[bytes], limits: Limits) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(gettext("Filen gick inte att läsa som XLSX.")) from exc
    finally:
        stream.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_compression_ratio:
        raise TableError(
            gettext(
                "XLSX-filen packas upp till %(unpacked)s från %(packed)s, vilket ingen "
                "registerfil gör. Den läses inte. Spara bladet som CSV UTF-8 och försök igen."
            )
            % {"unpacked": _megabytes(unpacked), "packed": _megabytes(packed)}
        )


def _xlsx_rows(stream: IO[bytes], limits: Limits) -> Iterator[list[str]]:
    _check_zip(stream, limits)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(gettext("Filen gick inte att läsa som XLSX.")) from exc
    if (sheet.max_column or 0) > limits.max_columns:
        # The sheet's declared size, read before any row: no need to unpack 50 000 columns.
        raise TableError(
            gettext(
                "Bladet har %(count)s kolumner; högst %(max)s tas emot. Kontrollera att det är rätt fil och rätt blad."
            )
            % {"count": sheet.max_column, "max": limits.max_columns}
        )
    try:
        for row in sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1):
            values = [_cell_text(v) for v in row]
            while values and not values[-1]:
                values.pop()  # read-only sheets pad every row to the widest
            yield values
    except TableError:
        raise
    except Exception as exc:
        raise TableError(gettext("Filen gick inte att läsa som XLSX.")) from exc
    finally:
        workbook.close()


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    head = stream.read(8192)
    stream.seek(0)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TableError(gettext("Filen innehåller binära data och är ingen CSV-fil."))
    encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    line_number = 1
    try:
        first_line = text.readline()
        if "\x00" in first_line:
            raise TableError(gettext("Filen innehåller binära data och är ingen CSV-fil."))
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        lines = _chain_first(first_line, text)
        reader = csv.reader(lines, delimiter=delimiter)
        for row in reader:
            line_number = reader.line_num
            yield row
    except UnicodeDecodeError as exc:
        raise TableError(
            gettext(
                "Filen är inte UTF-8 (fel nära rad %(row)s). Spara den som "
                '"CSV UTF-8 (kommaavgränsad)" och försök igen.'
            )
            % {"row": line_number + 1}
        ) from exc
    except csv.Error as exc:
        if "NUL" in str(exc):
            raise TableError(gettext("Filen innehåller binära data och är ingen CSV-fil.")) from exc
        raise TableError(
            gettext("Rad %(row)s gick inte att läsa som CSV: %(error)s.") % {"row": line_number + 1, "error": exc}
        ) from exc
    finally:
        # Hand the caller's stream back open; it may already be gone if the reader was abandoned.
        with contextlib.suppress(ValueError):
            text.detach()


def _chain_first(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest


def open_table(filename: str, stream: IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> StreamedTable:
    """The header row at once and the rest as an iterator; TableError may also come while iterating."""
    size = _size_of(stream)
    if size > limits.max_bytes:
        raise TableError(
            gettext("Filen är %(size)s; högst %(max)s tas emot.")
            % {"size": _megabytes(size), "max": _megabytes(limits.max_bytes)}
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _stream_rows(_xlsx_rows(stream, limits), limits)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _stream_rows(_csv_rows(stream), limits)
    raise TableError(gettext("Filen måste vara CSV eller XLSX."))


def read_table(filename: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Table:
    """The whole table in memory, for files that are small by nature."""
    table = open_table(filename, io.BytesIO(data), limits=limits)
    return Table(headers=table.headers, rows=list(table.rows))


def parse_iso_date(text: str) -> datetime.date:
    try:
        if len(text) != 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            gettext("%(value)s är inte ett datum på formen ÅÅÅÅ-MM-DD.") % {"value": quoted(text)}
        ) from exc
