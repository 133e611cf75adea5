"""The numbers of a municipal annual report: amounts kept in kronor, every shown cell rounded from
its own unrounded value, Swedish notation.

Rounding rule: a cell is computed from the unrounded amounts (kronor, hours) and only then rounded,
half away from zero, to what the table shows (tkr, one decimal, whole per cent). Rounded lines
therefore need not add up to a rounded sum: seed 002's 2021 result is 6 194 tkr although its
rounded lines add to 6 195, and its sick leave difference for women is 2,9 though 11,6 − 8,8 is
2,8. That is how the reports are made and what the reader of the ledger expects."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lib.swedish import quoted
from lib.translation import gettext, gettext_noop

# Shown translated: gettext(ROUNDING_RULE) where it is displayed.
ROUNDING_RULE = gettext_noop(
    "Belopp lagras i kronor och timmar i timmar. Varje cell räknas från de oavrundade värdena och "
    "avrundas först därefter, halvt bort från noll, till det som visas (tkr, en decimal, hela procent). "
    "Avrundade rader behöver därför inte summera exakt till en avrundad summa."
)

THOUSAND = Decimal(1000)


def round_half_away(value: Decimal, places: int = 0) -> Decimal:
    """Round half away from zero (Decimal's ROUND_HALF_UP) to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_tkr(kronor: Decimal) -> int:
    """Kronor as whole thousands, rounded by itself."""
    return int(round_half_away(kronor / THOUSAND))


def share_percent(part: Decimal, whole: Decimal) -> Decimal:
    """`part` of `whole` in per cent, unrounded; ZeroDivisionError when `whole` is zero."""
    if whole == 0:
        raise ZeroDivisionError("the whole is zero")
    return part * 100 / whole


def format_number(value: Decimal | int, decimals: int = 0) -> str:
    """Swedish notation: space between thousands, decimal comma, hyphen-minus as in seed 002
    ("-121 932", "157,8", "0,1"). A value that rounds to zero is shown without a sign."""
    rounded = round_half_away(Decimal(value), decimals)
    if rounded == 0:
        rounded = abs(rounded)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,.{decimals}f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", " ")
    return f"{sign}{whole},{fraction}" if decimals else f"{sign}{whole}"


def parse_number(text: str) -> Decimal:
    """A number as a ledger or HR export writes it: "-121 932 000", "157,8", "8.76", "1 234,50".
    ValueError with a Swedish message when it is not one."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-")
    if not cleaned:
        raise ValueError(gettext("Värdet saknas."))
    if "," in cleaned and "." in cleaned:
        raise ValueError(
            gettext("%(value)s är inget tal (använd antingen decimalkomma eller decimalpunkt).")
            % {"value": quoted(text.strip())}
        )
    cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(gettext("%(value)s är inget tal.") % {"value": quoted(text.strip())}) from None
    if not number.is_finite():
        raise ValueError(gettext("%(value)s är inget tal.") % {"value": quoted(text.strip())})
    return number
