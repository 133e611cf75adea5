"""Finding personal data in free text that leaves the municipality (Lex Heller reports, the executors'
narratives to the förbund): personnummer and samordningsnummer, phone numbers and e-mail addresses
(errors), and what looks like a person's name (warnings). Pure Python, no Django: see
docs/text-guard.md for what is caught and what is not.

The text is first normalised (`normalise`): Unicode NFKC, every dash and minus to '-', every space to
' ', zero-width and other invisible format characters removed, every decimal digit to 0–9. The search
runs on the normalised text; each finding carries the offsets and the excerpt of the ORIGINAL text, so
that a form can point at the place.

Deliberately cautious about numbers: a plausible date followed by four digits is refused even if its
check digit is wrong, since a mistyped number still points at a person. Organisation numbers (third and
fourth digits 20 or more), dates, years, amounts, times and case numbers are allowed."""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from lib.identity_numbers import luhn_check_digit

# --- Normalisation --------------------------------------------------------------------------------

# Invisible characters outside Unicode category Cf that are just as invisible: the combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation selectors, variation selectors.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)
# Minus signs and hyphen look-alikes outside category Pd (which is mapped as a whole): minus, heavy
# minus, modifier minus, hyphen bullet, super/subscript minus, the katakana and box-drawing lines.
_DASHES = frozenset("\u2212\u2796\u02d7\u2043\u207b\u208b\ufe63\uff0d\u30fc\uff70\u2500\u2501\u23af")
_SLASHES = frozenset("\u2215\u2044\u29f8\uff0f")


@dataclass(frozen=True)
class NormalisedText:
    """`text` normalised; `starts[i]`/`ends[i]` are the offsets in `original` of what produced text[i]."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the normalised span [start, end) (end > start)."""
        return self.starts[start], self.ends[end - 1]


def _map_char(char: str) -> str | None:
    if char in _INVISIBLE:
        return None
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width space and joiners, word joiner, BOM, soft hyphen, bidi marks …
        return None
    if category == "Pd" or char in _DASHES:
        return "-"
    if category == "Zs" or char == "\t":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if char in _SLASHES:
        return "/"
    if category == "Nd" and not "0" <= char <= "9":
        return str(unicodedata.decimal(char))
    return char


def normalise(text: str) -> NormalisedText:
    """Normalise `text` for the search, keeping a map back to the original positions.

    NFKC is applied to each base character with its combining marks, so that every normalised character
    can be traced to the characters it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, length = 0, len(text)
    while i < length:
        j = i + 1
        while j < length and unicodedata.combining(text[j]):
            j += 1
        for char in unicodedata.normalize("NFKC", text[i:j]):
            mapped = _map_char(char)
            if mapped is not None:
                out.append(mapped)
                starts.append(i)
                ends.append(j)
        i = j
    return NormalisedText(text, "".join(out), tuple(starts), tuple(ends))


# --- Findings -------------------------------------------------------------------------------------


class Kind(enum.StrEnum):
    IDENTITY_NUMBER = "identity_number"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"  # a warning: the user may confirm that it points at no one


_TAIL = (
    "Det som lämnar kommunen beskriver situationer och strukturer, aldrig en enskild person: ta bort "
    "uppgiften och beskriv situationen utan den."
)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int  # offset in the original text
    end: int  # offset in the original text, exclusive
    text: str  # the original excerpt, text[start:end]
    coordination_number: bool = False
    check_digit_ok: bool = True

    @property
    def is_warning(self) -> bool:
        return self.kind == Kind.NAME

    @property
    def where(self) -> str:
        """The place as the user counts it: characters from 1, both ends included."""
        first, last = self.start + 1, self.end
        return f"Tecken {first}" if first == last else f"Tecken {first}–{last}"

    @property
    def message(self) -> str:
        excerpt = " ".join(self.text.split())
        head = f"{self.where}: ”{excerpt}”"
        if self.kind == Kind.IDENTITY_NUMBER:
            what = "ett samordningsnummer" if self.coordination_number else "ett personnummer"
            note = (
                ""
                if self.check_digit_ok
                else " (kontrollsiffran stämmer inte, men även ett felskrivet nummer kan peka ut en person)"
            )
            return f"{head} ser ut som {what}{note}. {_TAIL}"
        if self.kind == Kind.PHONE:
            return f"{head} ser ut som ett telefonnummer. {_TAIL}"
        if self.kind == Kind.EMAIL:
            return f"{head} ser ut som en e-postadress. {_TAIL}"
        return (
            f"{head} kan vara namnet på en person. Ta bort namnet om det pekar ut en enskild person "
            "(en deltagare, en anhörig, en enskild medborgare)."
        )


def _finding(normalised: NormalisedText, kind: Kind, start: int, end: int, **extra: bool) -> Finding:
    original_start, original_end = normalised.span_in_original(start, end)
    return Finding(kind, original_start, original_end, normalised.original[original_start:original_end], **extra)


# --- Identity numbers -----------------------------------------------------------------------------

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


# --- Phone numbers and e-mail addresses -----------------------------------------------------------

_ODD_PHONE_SEPARATORS = re.compile(r"(?<=\d)[ ]?[_~*\\·][ ]?(?=\d)")


_LEADING_TIME = re.compile(r"(?:[01]?\d|2[0-3])[.:][0-5]\d(?!\d)\D")
_CONTINUED = re.compile(r"\d[.:/,] ?$")
_LIST_SEPARATORS = re.compile(r"\s[-/]\s|[,;|]")
_TIMES = re.compile(r"(?:[01]?\d|2[0-3])[.:][0-5]\d(?: ?- ?(?:[01]?\d|2[0-3])[.:][0-5]\d)?")


def _phone_spans(text: str) -> list[tuple[int, int]]:
    # Separators the phone matcher does not know become '-' (same length, so offsets stay).
    prepared = _ODD_PHONE_SEPARATORS.sub(lambda m: "-" * len(m.group()), text)
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(prepared, "SE", leniency=phonenumbers.Leniency.VALID):
        raw = text[match.start : match.end]
        if (
            # Written as phone numbers are: national from 0, international from + or 00.
            raw[0] in "0+("
            # 08.15-10.30 and 08.30 589 980 kr are a Stockholm number to the matcher, times to everyone else.
            and not _TIMES.fullmatch(raw)
            and not _LEADING_TIME.match(raw)
            # The rest of a case number, a date or a time: Dnr 2018/044 595 718, 2023.084 121 781.
            and not _CONTINUED.search(text, 0, match.start)
            and len(_LIST_SEPARATORS.findall(raw)) <= 1
        ):
            spans.append((match.start, match.end))
    return spans


_TLD = r"(?:se|nu|com|net|org|eu|info|io|fi|no|dk|is|de|uk|biz|me|app|online)"
_LOCAL = r"[\w+-]+(?:\.[\w+-]+)*"
_DOT = r"(?:\s*\.\s*|\s*[\(\[]\s*(?:dot|punkt)\s*[\)\]]\s*|\s+(?:dot|punkt)\s+)"
_EMAIL = re.compile(rf"(?<![\w.+-]){_LOCAL}\s*@\s*[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w])")
# Written out to get past filters: anna(at)kommun.se, anna [at] kommun punkt se, anna snabel-a kommun.se.
_EMAIL_OBFUSCATED = re.compile(
    rf"(?<![\w.+-]){_LOCAL}\s*(?:[\(\[]\s*(?:at|a|snabel-?a)\s*[\)\]]|\s(?:at|snabel-?a)\s)\s*"
    rf"[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}(?![\w])",
    re.IGNORECASE,
)


# --- Names ----------------------------------------------------------------------------------------

# Given names in the list that are also ordinary Swedish words (Hans = his, Per = per, Bo = live …):
# at the start of a sentence, where every word is capitalised, they count as a name only before an
# unmistakable surname.
_AMBIGUOUS_GIVEN_NAMES = (
    "Hans Per Bo Stig Björn Maj Rut Ulf Sten Dag Gun Del Tom Tor Liv Mina Rosa Klara Lova Love Bror Fred "
    "Frank Ben Juni May My Lo Mark Urban Sam Tina Tuva Vide Siv Iris Max Milan Viking Saga Lisa Tim Alf "
    "Alva Vega Svea Nova Ester Lykke Malva Signe Otto Kim Li Thi Said Junior Ines Ina Isa Rose Tage"
)
AMBIGUOUS_GIVEN_NAMES = frozenset(_AMBIGUOUS_GIVEN_NAMES.split())
# Surnames in the list that are also ordinary Swedish words or place names (Berg = mountain, Lund …).
_AMBIGUOUS_SURNAMES = (
    "Alm Asp Berg Björk Blixt Blom Borg Brandt Brink Bäck Dahl Ek Falk Ferm Flink Fors Frank Frid Frisk "
    "Green Gren Hall Hammar Hanna Hjelm Hjort Holm Hult Hägg Jarl Kling Kvist Lilja Lind Linde Linder "
    "Ljung Lund Löf Lönn Malm Modig Nord Norman Palm Rask Roos Roth Skog Skoog Sköld Stark Steen Storm "
    "Strand Strid Ström Ståhl Svahn Svärd Thor Wall Werner Wester Said Smith Li Ali Omar Issa Khan"
)
AMBIGUOUS_SURNAMES = frozenset(_AMBIGUOUS_SURNAMES.split())
_PATRONYMIC = re.compile(r"(?:s?son|dotter)s?$")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = frozenset(".!?:;\n\r-*•")
_OPENERS = frozenset("\"'”“‘’«»([")


@dataclass(frozen=True)
class NameLists:
    given: frozenset[str]
    surnames: frozenset[str]


@functools.cache
def name_lists() -> NameLists:
    """The shipped lists (lib/data/swedish_names.txt, generated by lib/data/make_swedish_names.py)."""
    raw = importlib.resources.files("lib").joinpath("data/swedish_names.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {"given": set(), "surname": set()}
    section = ""
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line[1:].split("]")[0]
            continue
        sections[section].add(line)
    return NameLists(frozenset(sections["given"]), frozenset(sections["surname"]))


def _capitalised(word: str) -> bool:
    parts = word.split("-")
    return all(p[:1].isupper() and (p[1:].islower() or not p[1:]) for p in parts) or (word.isupper() and len(word) > 2)


def _title(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def _is_given(word: str, lists: NameLists) -> bool:
    if not _capitalised(word):
        return False
    title = _title(word)
    return title in lists.given or ("-" in title and all(p in lists.given for p in title.split("-")))


def _surname_kind(word: str, lists: NameLists) -> str:
    """ "surname" for a surname from the list or one ending in -son/-sson/-dotter (also in the genitive),
    "ambiguous" for a listed surname that is also an ordinary word, "capitalised" for any other
    capitalised word of three letters or more (a surname outside the list, perhaps), else ""."""
    if not _capitalised(word) or len(word) < 2:
        return ""
    kinds = []
    for part in _title(word).split("-"):
        bare = part[:-1] if part.endswith("s") and part[:-1] in lists.surnames else part
        if bare in lists.surnames:
            kinds.append("ambiguous" if bare in AMBIGUOUS_SURNAMES else "surname")
        elif len(part) >= 5 and _PATRONYMIC.search(part) and not part.lower().endswith(("person", "persons")):
            kinds.append("surname")
    if not kinds:
        title_case = all(p[:1].isupper() and p[1:].islower() for p in word.split("-"))
        return "capitalised" if title_case and len(word) >= 3 else ""
    return "surname" if "surname" in kinds else "ambiguous"


def _at_sentence_start(text: str, position: int) -> bool:
    i = position - 1
    while i >= 0 and (text[i] in " \t" or text[i] in _OPENERS):
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END or text[i].isdigit()


def _name_spans(text: str) -> list[tuple[int, int]]:
    lists = name_lists()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans: list[tuple[int, int]] = []

    def joined(a: int, b: int, *, initial: bool = False) -> bool:
        """Word a and word b follow each other on the same line (after an initial's full stop)."""
        between = text[words[a][1] : words[b][0]]
        if initial:
            return re.fullmatch(r"\. ?", between) is not None
        return re.fullmatch(r"[ \t]{1,2}", between) is not None

    def is_initial(k: int) -> bool:
        _start, end, word = words[k]
        return len(word) == 1 and word.isupper() and text[end : end + 1] == "."

    i = 0
    while i < len(words):
        start, _end, word = words[i]
        if is_initial(i):
            # "A. Svensson", "A.Svensson", "A. B. Svensson".
            k = i
            while k + 1 < len(words) and is_initial(k + 1) and joined(k, k + 1, initial=True):
                k += 1
            if (
                k + 1 < len(words)
                and joined(k, k + 1, initial=True)
                and _surname_kind(words[k + 1][2], lists) == "surname"
                and (start == 0 or text[start - 1] in " \t(\n")
            ):
                spans.append((start, words[k + 1][1]))
                i = k + 2
                continue
        if _is_given(word, lists):
            # Given names (and initials) followed by a surname: "Anna Svensson", "Anna Maria K. Svensson".
            k = i
            while k + 1 < len(words):
                if not joined(k, k + 1) or not (is_initial(k + 1) or _is_given(words[k + 1][2], lists)):
                    break
                k += 1
            # The surname is the word after the chain, or the chain's last word when that is a surname
            # as well as a given name ("Ali Hassan", "Lars Werner").
            after = k + 1
            joined_after = after < len(words) and (
                joined(k, after, initial=True) if is_initial(k) else joined(k, after)
            )
            kind = _surname_kind(words[after][2], lists) if joined_after else ""
            if kind in ("", "capitalised") and k > i and not is_initial(k):
                fallback = _surname_kind(words[k][2], lists)
                if fallback in ("surname", "ambiguous") and not kind:
                    after, k, kind = k, k - 1, fallback
            if kind:
                chain = [words[n][2] for n in range(i, k + 1) if not is_initial(n)]
                ambiguous_start = chain == [word] and word in AMBIGUOUS_GIVEN_NAMES and _at_sentence_start(text, start)
                if kind == "capitalised":
                    # A given name and a capitalised word outside the lists ("Karin Alvermalm"): only when
                    # the given name is not also an ordinary word.
                    fires = any(w not in AMBIGUOUS_GIVEN_NAMES and len(w) >= 3 for w in chain)
                else:
                    fires = kind == "surname" or not ambiguous_start
                if fires:
                    end = words[after][1]
                    # A double surname written with a space: "Anna Svensson Berg".
                    if (
                        after + 1 < len(words)
                        and joined(after, after + 1)
                        and _surname_kind(words[after + 1][2], lists) in ("surname", "ambiguous")
                    ):
                        end = words[after + 1][1]
                    spans.append((start, end))
                    while i < len(words) and words[i][0] < end:
                        i += 1
                    continue
        i += 1
    return spans


# --- The search -----------------------------------------------------------------------------------


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find_personal_data(text: str, *, today: datetime.date | None = None) -> list[Finding]:
    """Personnummer and samordningsnummer, phone numbers and e-mail addresses in `text`, in order of
    their position. These are errors: text with any of them may not leave the municipality. A date
    after `today` (default: the system date) is no birth date."""
    today = today or datetime.date.today()
    normalised = normalise(text)
    ntext = normalised.text
    findings: list[tuple[int, int, Finding]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: Kind, start: int, end: int, **extra: bool) -> None:
        findings.append((start, end, _finding(normalised, kind, start, end, **extra)))
        taken.append((start, end))

    for pattern in (_EMAIL, _EMAIL_OBFUSCATED):
        for match in pattern.finditer(ntext):
            if not _overlaps(match.span(), taken):
                add(Kind.EMAIL, match.start(), match.end())
    phones = _phone_spans(ntext)
    # Where candidates overlap, the likeliest wins: 12 digits over the 10 inside them, then a right
    # check digit, then the way personnummer are written, then the longer.
    candidates = sorted(
        _number_candidates(ntext, today),
        key=lambda c: (-len(c.digits), not _check_digit_ok(c.digits), not c.strict_layout, c.start - c.end, c.start),
    )
    for candidate in candidates:
        span = (candidate.start, candidate.end)
        if _overlaps(span, taken):
            continue
        if not candidate.strict_layout and _overlaps(span, phones):
            continue  # written like a phone number, and it is one: reported as a phone number below
        add(
            Kind.IDENTITY_NUMBER,
            *span,
            coordination_number=candidate.coordination,
            check_digit_ok=_check_digit_ok(candidate.digits),
        )
    for span in phones:
        if not _overlaps(span, taken):
            add(Kind.PHONE, *span)
    return [finding for _start, _end, finding in sorted(findings, key=lambda f: f[0])]


def find_possible_names(text: str) -> list[Finding]:
    """What looks like a person's name: a given name from the list followed by a surname from the list
    or one ending in -son/-sson/-dotter, or an initial and such a surname. A warning, not an error:
    officials may be named in their role, and the lists cover common names only."""
    normalised = normalise(text)
    return [_finding(normalised, Kind.NAME, start, end) for start, end in _name_spans(normalised.text)]


def fingerprint(findings: list[Finding]) -> str:
    """A short digest of the excerpts of `findings` (ignoring where they are), to tie a confirmation to
    exactly the names the user saw. "" for no findings."""
    if not findings:
        return ""
    excerpts = sorted(" ".join(normalise(f.text).text.split()) for f in findings)
    return hashlib.sha256("\x1f".join(excerpts).encode()).hexdigest()[:20]
