"""Personnummer and samordningsnummer: runs of digit groups, the dates, times, amounts and months
they may not split, and the candidates of 10 or 12 digits with a plausible birth date."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from lib.identity_numbers import luhn_check_digit

_DIGITS = re.compile(r"\d+")
_GAP_CHARS = frozenset(" \t\r\n-+/.:,_~*|\\·•")
_GAP_WHITESPACE = frozenset(" \t\r\n")
_MAX_GAP = 4


@dataclass
class _Group:
    start: int  # offsets in the normalised text
    end: int
    digits: str
    gap_before: str  # the separator joining it to the previous group of its chain ("" for the first)


@dataclass
class _Atom:
    """One or more groups a candidate may not split: a date written with separators, a time, an amount."""

    groups: list[_Group]
    role: str = ""  # "date" (only ever the date part of a number), "time", "amount" or ""

    @property
    def digits(self) -> str:
        return "".join(g.digits for g in self.groups)

    @property
    def gap_before(self) -> str:
        return self.groups[0].gap_before


def _is_gap(separator: str) -> bool:
    if not 1 <= len(separator) <= _MAX_GAP or not set(separator) <= _GAP_CHARS:
        return False
    punctuation = [c for c in separator if c not in _GAP_WHITESPACE]
    return len(punctuation) <= 2 and separator.count("\n") <= 1


def _chains(text: str) -> list[list[_Group]]:
    """Runs of digit groups joined by short separators (spaces, dashes, slashes, dots …)."""
    chains: list[list[_Group]] = []
    current: list[_Group] = []
    for match in _DIGITS.finditer(text):
        separator = text[current[-1].end : match.start()] if current else ""
        if current and not _is_gap(separator):
            chains.append(current)
            current = []
            separator = ""
        current.append(_Group(match.start(), match.end(), match.group(), separator))
    if current:
        chains.append(current)
    return chains


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _date_part_ok(digits: str, today: datetime.date | None = None) -> tuple[bool, bool]:
    """(plausible birth date, samordningsnummer) for YYMMDD or YYYYMMDD (the day + 60 for samordning).
    With `today`, a date after it is no birth date (10 digits: the century that makes it one counts)."""
    if len(digits) == 8:
        if digits[:2] not in ("18", "19", "20"):
            return False, False
        years = [int(digits[:4])]
        digits = digits[2:]
    else:
        years = [1900 + int(digits[:2]), 2000 + int(digits[:2])]
    month, day = int(digits[2:4]), int(digits[4:6])
    coordination = day > 60
    if coordination:
        day -= 60
    if today is not None:
        years = [year for year in years if (year, month, day) <= (today.year, today.month, today.day)]
    return any(_real_date(year, month, day) for year in years), coordination


def _atoms(chain: list[_Group]) -> list[_Atom]:
    atoms: list[_Atom] = []
    i = 0
    while i < len(chain):
        rest = chain[i:]
        lengths = [len(g.digits) for g in rest[:3]]
        # A date written with the same separator twice (2023-01-15, 79-01-26): never split, and never
        # the four last digits of a number.
        if len(rest) >= 3 and lengths in ([4, 2, 2], [2, 2, 2]):
            separators = {rest[1].gap_before, rest[2].gap_before}
            if len(separators) == 1 and separators <= {"-", "/", "."}:
                ok, _ = _date_part_ok("".join(g.digits for g in rest[:3]))
                if ok:
                    atoms.append(_Atom(rest[:3], "date"))
                    i += 3
                    continue
        if len(rest) >= 2:
            first, second = rest[0].digits, rest[1].digits
            joint = rest[1].gap_before
            # A month: 2022-05, 2022/05.
            if len(first) == 4 and len(second) == 2 and joint in ("-", "/") and 1 <= int(second) <= 12:
                atoms.append(_Atom(rest[:2], "yearmonth"))
                i += 2
                continue
            # A day and month: 15/1, 17/12.
            spaced_out = (i > 0 and len(chain[i - 1].digits) == 1 and rest[0].gap_before == " ") or (
                len(rest) > 2 and len(rest[2].digits) == 1 and rest[2].gap_before == " "
            )  # 2 8/1 8 is a number spaced out digit by digit, not 8 January
            if (
                len(first) <= 2
                and len(second) <= 2
                and joint == "/"
                and 1 <= int(first) <= 31
                and 1 <= int(second) <= 12
                and not spaced_out
            ):
                atoms.append(_Atom(rest[:2], "daymonth"))
                i += 2
                continue
            # A time of day: 10.30, 9:15.
            if (
                len(first) in (1, 2)
                and len(second) == 2
                and joint in (".", ":")
                and int(first) <= 23
                and int(second) <= 59
            ):
                atoms.append(_Atom(rest[:2], "time"))
                i += 2
                continue
        # An amount or count with thousands separated by spaces: 1 500 000.
        if len(rest) >= 2 and len(rest[0].digits) <= 3:
            j = 1
            while j < len(rest) and len(rest[j].digits) == 3 and rest[j].gap_before == " ":
                j += 1
            if j > 1:
                atoms.append(_Atom(rest[:j], "amount"))
                i += j
                continue
        atoms.append(_Atom([rest[0]]))
        i += 1
    return atoms


def _is_list_separator(gap: str) -> bool:
    """A separator of a list or a table rather than inside one number: a comma, a bar, a new line, a
    dash or slash with spaces around it, a colon and a space."""
    return bool(set(gap) & set(",|;\n\r")) or re.search(r"\s[-/]\s|:\s", gap) is not None


@dataclass(frozen=True)
class _NumberCandidate:
    start: int
    end: int
    digits: str
    strict_layout: bool  # written the way personnummer are written, not the way phone numbers are
    coordination: bool


_STRICT_LAYOUTS = ([10], [12], [6, 4], [8, 4], [2, 2, 2, 4], [4, 2, 2, 4], [2, 6, 4], [2, 2, 2, 2, 4])


def _number_candidates(text: str, today: datetime.date) -> list[_NumberCandidate]:
    found: list[_NumberCandidate] = []
    for chain in _chains(text):
        atoms = _atoms(chain)
        for first in range(len(atoms)):
            digits = ""
            for last in range(first, len(atoms)):
                digits += atoms[last].digits
                if len(digits) > 12:
                    break
                if len(digits) not in (10, 12):
                    continue
                window = atoms[first : last + 1]
                candidate = _candidate(window, digits, today)
                if candidate is not None:
                    found.append(candidate)
    return found


def _candidate(window: list[_Atom], digits: str, today: datetime.date) -> _NumberCandidate | None:
    date_length = len(digits) - 4
    roles = [atom.role for atom in window]
    offset = 0
    for index, atom in enumerate(window):
        if atom.role == "date":
            # A date written with separators is only ever the whole date part (after an optional century).
            ends_date = offset + len(atom.digits) == date_length
            after_century = index == 0 or (index == 1 and offset == 2 and len(atom.digits) == 6)
            if not (ends_date and after_century):
                return None
        elif atom.role == "yearmonth":
            # 2022-05 begins a date only when the day follows: 2022-05 17-1234.
            following = window[index + 1].groups[0].digits if index + 1 < len(window) else ""
            if index != 0 or len(following) != 2:
                return None
        elif atom.role == "daymonth":
            return None  # 15/1 is a day and a month: no personnummer starts with one
        elif atom.role == "amount":
            # 121 212-1212 and 121 212 1212 are numbers; 750 107 75 85 and 161 225 2024 are amounts,
            # counts and years.
            tail = window[1] if len(window) == 2 else None
            joined = tail is not None and tail.gap_before in ("-", "+", "/", ".")
            spaced = tail is not None and tail.gap_before == " " and not 1900 <= int(tail.digits) <= 2099
            if index != 0 or len(atom.digits) != date_length or not (joined or spaced):
                return None
        elif atom.role == "time" and (offset < date_length or atom.gap_before not in ("-", "+", ".")):
            return None  # 2018 10.15 15.30 and 2022-01-05, 17.00 are dates and times
        if index and _is_list_separator(atom.gap_before) and offset != date_length:
            return None  # 111 | 219 | 2019 is three numbers of a table
        offset += len(atom.digits)
    last = window[-1]
    loose = not set(last.gap_before) - _GAP_WHITESPACE or _is_list_separator(last.gap_before)
    if len(window) > 2 and len(last.digits) == 4 and 1900 <= int(last.digits) <= 2099 and loose:
        return None  # 2023-09 90 2020: numbers and then a year
    if roles[0] == "date" and window[1].gap_before not in ("-", "+"):
        after_date = "".join(atom.digits for atom in window[1:])
        # A date and a time, a year or a few counts (2023-02-08 09.00, 2016-09-10 2021, 2018-12-15 32 17)
        # is not a number.
        if len(window) > 2 or roles[1] == "time" or 1900 <= int(after_date) <= 2099:
            return None
    plausible, coordination = _date_part_ok(digits[:date_length], today)
    if not plausible or digits[-4:-1] == "000":  # the birth number is never 000
        return None
    groups = [g for atom in window for g in atom.groups]
    layout = [len(g.digits) for g in groups]
    strict = layout in _STRICT_LAYOUTS
    if len(layout) > 4 and all(n <= 2 for n in layout) and sum(n == 2 for n in layout) <= 1:
        # Spaced out digit by digit (one pair at most): written like a personnummer unless a dash or
        # the like stands elsewhere than between the date and the last four ("0 7 0 - 1 2 3 4 5 6 7").
        marked, position = set(), 0
        for group in groups:
            if position and set(group.gap_before) - _GAP_WHITESPACE:
                marked.add(position)
            position += len(group.digits)
        strict = marked <= {date_length}
    return _NumberCandidate(groups[0].start, groups[-1].end, digits, strict, coordination)


def _check_digit_ok(digits: str) -> bool:
    ten = digits[-10:]
    return luhn_check_digit(ten[:9]) == int(ten[9])
