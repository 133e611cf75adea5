import datetime
import random
import re
from pathlib import Path

import pytest

from lib.identity_numbers import LegalSex, fictional_number
from lib.sensitive_text import (
    Kind,
    find_personal_data,
    find_possible_names,
    fingerprint,
    name_lists,
    normalise,
)

# The attacker's example from the issue; everything else is generated with fictional_number.
ATTACKER = "19121212-1212"
FEMALE_1985 = fictional_number(datetime.date(1985, 3, 14), serial=12, legal_sex=LegalSex.FEMALE)
COORDINATION = fictional_number(datetime.date(1992, 11, 5), serial=7, legal_sex=LegalSex.MALE, coordination=True)


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


def short(twelve: str, separator: str = "-") -> str:
    return f"{twelve[2:8]}{separator}{twelve[8:]}"


# --- Identity numbers: the bypasses of the issue and their relatives --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "121212–1212",  # en dash
        "121212—1212",  # em dash
        "121212−1212",  # minus sign
        "121212\u20111212",  # non-breaking hyphen
        "121212\u20121212",  # figure dash
        "121212\u20101212",  # hyphen
        "121212\ufe631212",  # small hyphen-minus
        "121212－1212",  # full-width hyphen-minus
        "121212ー1212",  # katakana prolonged sound mark, looks like a dash
        "1 2 1 2 1 2 - 1 2 1 2",  # spaced out digit by digit
        "7 9 0 1 2 6 1 6 9 8",
        "121212/1212",
        "121212.1212",
        "121212 1212",
        "121212 - 1212",
        "121212_1212",
        "121212:1212",
        "121212\u200b-1212",  # zero-width space
        "1212\u200b12-1212",
        "12\u200d1212-1212",  # zero-width joiner
        "121212-16\u206098",  # word joiner
        "\ufeff121212-1212",  # byte order mark
        "1212\u00ad12-1212",  # soft hyphen
        "121212\u00a01212",  # no-break space
        "121212\u20091212",  # thin space
        "121212\u202f-\u202f1212",  # narrow no-break spaces
        "７９０１２６－１６９８",  # full-width digits
        "12 12 12-1212",
        "79-01-26-1212",
        "790 126-1212",
        "790 126 1212",
        "79.01.26-1212",
        "1212121212",
        "121212+1212",  # the separator of someone 100 or older
    ],
)
def test_every_written_form_of_a_ten_digit_personnummer_is_refused(text):
    assert kinds(f"Ärendet gäller {text} som nekades") == [Kind.IDENTITY_NUMBER]


@pytest.mark.parametrize(
    "text",
    [
        ATTACKER,
        "191212121212",
        "19121212 1212",
        "1979-01-26-1212",
        "1979-01-26 1212",
        "1979.01.26.1212",
        "1979 01 26 - 1212",
        "1 9 1 2 1 2 1 2 - 1 2 1 2",
        "19 121212-1212",
        "19121212–1212",
        "1979\u200b0126\u20131212",
        "１９７９０１２６－１６９８",
    ],
)
def test_every_written_form_of_a_twelve_digit_personnummer_is_refused(text):
    (finding,) = find_personal_data(f"nummer {text}.")
    assert finding.kind == Kind.IDENTITY_NUMBER
    assert finding.text == text
    assert "personnummer" in finding.message


@pytest.mark.parametrize("text", [COORDINATION, short(COORDINATION), short(COORDINATION, " "), "850374–0345"])
def test_a_samordningsnummer_is_refused_and_named_as_one(text):
    (finding,) = find_personal_data(f"samordning {text}")
    assert finding.kind == Kind.IDENTITY_NUMBER and finding.coordination_number
    assert "ett samordningsnummer" in finding.message


def test_a_plausible_date_and_four_digits_are_refused_even_with_a_wrong_check_digit():
    wrong = ATTACKER[:-1] + str((int(ATTACKER[-1]) + 1) % 10)
    (finding,) = find_personal_data(f"nr {wrong}")
    assert finding.kind == Kind.IDENTITY_NUMBER and not finding.check_digit_ok
    assert "kontrollsiffran stämmer inte" in finding.message
    (right,) = find_personal_data(f"nr {ATTACKER}")
    assert right.check_digit_ok and "kontrollsiffran" not in right.message


@pytest.mark.parametrize(
    "text",
    [
        "Personen med nummer 19850101-1234 nekades",  # wrong check digit, still refused
        "nr 850101-1234 fick avslag",
        f"{FEMALE_1985[2:]}",
        "samordningsnummer 850161-1234",
    ],
)
def test_the_forms_the_guard_always_refused_are_still_refused(text):
    assert kinds(text) == [Kind.IDENTITY_NUMBER]


def test_a_date_that_does_not_exist_is_not_a_personnummer():
    assert kinds("790230-1212") == []  # 30 February
    assert kinds("791326-1212") == []  # month 13
    assert kinds("790192-1212") == []  # day 32 + 60
    assert kinds("000229-1234") == [Kind.IDENTITY_NUMBER]  # 29 February 2000


def test_a_date_after_today_is_no_birth_date_in_twelve_digits():
    today = datetime.date(2026, 12, 1)
    assert find_personal_data("20270115-1234", today=today) == []
    assert [f.kind for f in find_personal_data("20260115-1234", today=today)] == [Kind.IDENTITY_NUMBER]


# --- What must pass ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Försäkringskassan (org. nr 202100-5521) och kommunen",
        "Samordningsförbundet 212000-1355 och bolaget 556677-8899",
        "Avtalet om 1 650 000 kr gäller 2023-01-01 – 2023-12-31",
        "Under 2023–2024 väntade 12 personer mer än 20 veckor",
        "5 kap. 1 § socialförsäkringsbalken",
        "enligt 16 kap. 6 f § SoL",
        "Beslutet 2023-01-15 gällde från 15/1",
        "Budgeten är 1 500 000 kr, varav 950 000 1 200 000 och 14 312 000 kr",
        "Mötet börjar kl. 10.30 och slutar kl 12.00",
        "Tid: 2023-02-08, kl. 09:00-12:00 och 13.15–15.45",
        "Mötet 2023-02-08 09.00 i Alingsås",
        "Verksamhetsåret 2022/2023 jämfört med 2021/2022",
        "Diarienummer SN 2022/123 och 2022.029 SN",
        "Beslut 2022-03-04, 2022-05-06 och 2022-07-08",
        "Totalt 3 450 000 1 000 000 9 550 000 kr",
        "Tabell: 12 15 8 20 11 4",
        "År 2019 2020 2021 ökade antalet",
    ],
)
def test_structural_text_with_numbers_passes(text):
    assert find_personal_data(text) == []


def _structural_snippet(rng: random.Random) -> str:
    day = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randint(0, 4000))
    year = rng.randint(2015, 2026)
    return rng.choice(
        [
            f"{rng.randint(1000, 99_999_999):,} kr".replace(",", " "),
            f"{rng.randint(100, 999) * 1000:,} kronor".replace(",", " "),
            day.isoformat(),
            f"{day.day}/{day.month}",
            f"{day.day}/{day.month} {day.year}",
            f"{day.year}-{day.month:02d}",
            f"kl. {rng.randint(7, 18):02d}.{rng.choice(['00', '15', '30', '45'])}",
            f"{year}/{year + 1}",
            f"{year}–{year + 1}",
            f"{rng.choice(['SN', 'KS', 'Dnr'])} {year}{rng.choice(['/', '.'])}{rng.randint(1, 999):03d}",
            str(rng.randint(1, 250)),
            f"{rng.randint(0, 100)},{rng.randint(0, 9)} %",
            f"{rng.randint(1, 30)} kap. {rng.randint(1, 20)} §",
        ]
    )


def test_generated_structural_text_full_of_numbers_passes():
    # Dates, amounts, times, years, case numbers, counts and percentages run together as in tables.
    rng = random.Random(7)
    for _ in range(1500):
        separator = rng.choice([" ", ", ", " och ", " – ", "\n", " | "])
        text = separator.join(_structural_snippet(rng) for _ in range(rng.randint(2, 6)))
        assert find_personal_data(text) == [], repr(text)


def test_organisation_numbers_pass_in_any_written_form():
    rng = random.Random(14)
    for _ in range(300):
        digits = f"{rng.randint(10, 99)}{rng.randint(20, 99)}{rng.randint(0, 9999):04d}{rng.randint(0, 99):02d}"
        separator = rng.choice(["-", "–", " ", "/", "", " - "])
        text = f"org. nr {digits[:6]}{separator}{digits[6:]}"
        assert Kind.IDENTITY_NUMBER not in kinds(text), text


# --- Generated numbers with random separators and invisible characters ------------------------------

SEPARATORS = ["-", "–", "—", "−", "\u2011", "－", "+", " ", "/", ".", "", " - ", "\u00a0", "\u202f"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def _disguise(rng: random.Random, number: str) -> str:
    """`number` with a random separator before the last four and invisible characters sprinkled in."""
    written = number if rng.random() < 0.5 else number[2:]
    head, tail = written[:-4], written[-4:]
    if rng.random() < 0.2:
        head, tail = " ".join(head), " ".join(tail)
    out = []
    for index, char in enumerate(f"{head}{rng.choice(SEPARATORS)}{tail}"):
        if index and rng.random() < 0.15:
            out.append(rng.choice(INVISIBLE))  # between characters: the excerpt starts and ends with a digit
        out.append(char)
    if rng.random() < 0.3:
        out = [chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in out]  # full-width digits
    return "".join(out)


def test_generated_numbers_in_any_disguise_are_found_where_they_stand():
    rng = random.Random(2026)
    for _ in range(400):
        born = datetime.date(1920, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 100))
        number = fictional_number(
            born,
            serial=rng.randint(0, 99),
            legal_sex=rng.choice(list(LegalSex)),
            coordination=rng.random() < 0.2,
        )
        written = _disguise(rng, number)
        before = rng.choice(["", "Personen ", "Det gällde nr ", "(", "Ärende 12: "])
        text = f"{before}{written} nekades."
        findings = find_personal_data(text)
        assert [f.kind for f in findings] == [Kind.IDENTITY_NUMBER], repr(text)
        (finding,) = findings
        assert (finding.start, finding.end, finding.text) == (len(before), len(before) + len(written), written)
        assert finding.check_digit_ok


# --- Positions --------------------------------------------------------------------------------------


def test_the_attackers_narrative_is_refused_with_the_place_of_each_finding():
    text = "Anna Svensson 19121212-1212 tel 070-123 45 67"
    number, phone = find_personal_data(text)
    assert (number.kind, number.start, number.end) == (Kind.IDENTITY_NUMBER, 14, 27)
    assert text[number.start : number.end] == "19121212-1212"
    assert number.message.startswith("Tecken 15–27: ”19121212-1212” ser ut som ett personnummer")
    assert (phone.kind, text[phone.start : phone.end]) == (Kind.PHONE, "070-123 45 67")
    assert phone.message.startswith("Tecken 33–45: ”070-123 45 67” ser ut som ett telefonnummer")
    (name,) = find_possible_names(text)
    assert (name.start, name.end, name.text) == (0, 13, "Anna Svensson")


def test_positions_count_the_invisible_and_composed_characters_of_the_original():
    # "ﬁ" is two letters after NFKC, "é" written as e + combining accent one; the zero-width space is
    # removed before the search but is part of the excerpt.
    text = "ﬁnal: Cafe\u0301 \u200b1212\u200b12–1212 slut"
    (finding,) = find_personal_data(text)
    assert text[finding.start : finding.end] == finding.text == "1212\u200b12–1212"
    assert finding.start == text.index("\u200b1212") + 1


def test_normalising_keeps_a_map_back_to_the_original():
    text = "a\u00a0b\u200bc–d ﬁ ７"
    normalised = normalise(text)
    assert normalised.text == "a bc-d fi 7"
    for i, char in enumerate(normalised.text):
        start, end = normalised.span_in_original(i, i + 1)
        assert text[start:end] in {char, "\u00a0", "–", "ﬁ", "７"}


# --- Phone numbers and e-mail addresses -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ring 070-123 45 67",
        "växeln +46 31 123 45 67",
        "0046 70 123 45 67",
        "+46 (0)70-123 45 67",
        "Direktnr: 0322-61 66 89",
        "031-12 34 56",
        "08-123 456 78",
        "070/123 45 67",
        "070.123.45.67",
        "070 – 123 45 67",
        "070_123_45_67",
        "070*123*45*67",
        "0 7 0 - 1 2 3 4 5 6 7",
        "070\u200b-123\u00a045\u202f67",
        "+47 22 12 34 56",
        "+44 20 7946 0958",
    ],
)
def test_phone_numbers_are_refused_in_swedish_and_international_formats(text):
    assert kinds(f"Kontakta {text} i morgon") == [Kind.PHONE]


def test_ten_digits_that_could_be_a_phone_or_a_personnummer_are_refused_either_way():
    # 0701234567 is a mobile number and also a date (23 January 2007) followed by four digits.
    assert find_personal_data("0701234567")
    assert find_personal_data("070123-4567")


@pytest.mark.parametrize(
    "text",
    [
        "skriv till anna.andersson@kommun.se",
        "skriv till anna.andersson @ kommun.se",
        "anna.andersson＠kommun.se",
        "anna(at)kommun.se",
        "anna [at] kommun.se",
        "anna(a)kommun.se",
        "anna snabel-a kommun.se",
        "anna snabel-a kommun punkt se",
        "anna at kommun dot se",
        "an\u200bna@kom\u200dmun.se",
    ],
)
def test_e_mail_addresses_are_refused_also_when_written_out(text):
    assert kinds(text) == [Kind.EMAIL]


@pytest.mark.parametrize(
    "text",
    [
        "Vi ses at home, som engelsmännen säger.",
        "Tecknet @ kallas snabel-a på svenska.",
        "2 st @ 50 kr",
        "Mötet hölls at Kommunhuset.",
    ],
)
def test_words_like_at_and_snabel_a_alone_are_no_e_mail_address(text):
    assert find_personal_data(text) == []


def test_the_message_names_the_finding_and_explains_why():
    (finding,) = find_personal_data("ring 070-123 45 67")
    assert "telefonnummer" in finding.message
    assert "070-123 45 67" in finding.message
    assert "aldrig en enskild person" in finding.message


# --- Names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Anna Svensson 19121212-1212", "Anna Svensson"),
        ("Vi träffade Anna Svensson i går.", "Anna Svensson"),
        ("Anna Svenssons ärende drog ut på tiden.", "Anna Svenssons"),
        ("Enligt Anna Maria Svensson var det så.", "Anna Maria Svensson"),
        ("Enligt Anna K. Svensson var det så.", "Anna K. Svensson"),
        ("Handläggaren A. Svensson svarade.", "A. Svensson"),
        ("Handläggaren A.B. Johansson svarade.", "A.B. Johansson"),
        ("Det sade Lisa Eriksdotter.", "Lisa Eriksdotter"),
        ("Det sade Mikael Grönqvistsson.", "Mikael Grönqvistsson"),  # -sson, not on the list
        ("Ali Hassan fick beskedet.", "Ali Hassan"),  # the surname is a given name too
        ("Hans Johansson fick beskedet.", "Hans Johansson"),
        ("Det var Per Berg som ringde.", "Per Berg"),  # capitalised mid-sentence: a name
        ("Mötet leddes av Karin Alvermalm.", "Karin Alvermalm"),  # surname outside the list
        ("ANNA SVENSSON kom.", "ANNA SVENSSON"),
        ("Anna-Karin Svensson-Berg kom.", "Anna-Karin Svensson-Berg"),
        ("An\u200bna Svensson kom.", "An\u200bna Svensson"),
    ],
)
def test_likely_names_are_found(text, name):
    assert [f.text for f in find_possible_names(text)] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Hans bil stod kvar.",
        "Per månad betalas 500 kr.",
        "Bo Lund var orten.",  # both ordinary words at the start of a sentence
        "Sten Berg syntes i fjärran.",
        "Stig in.",
        "Björn och varg finns i skogen.",
        "Maj var varm. Rut och Ulf.",
        "Arbetsförmedlingen och Försäkringskassan bedömer olika.",
        "Samordningsförbundet Insjöriket och Västra Götalandsregionen.",
        "Det finns en Svensson-modell.",
        "Rapporten. Svensson var inte nämnd.",  # a surname alone
        "Anna kom.",  # a given name alone
        "Plan B. Ström saknades.",  # an initial before an ordinary word
    ],
)
def test_ordinary_words_and_lone_names_are_not_names(text):
    assert find_possible_names(text) == []


def test_a_name_warning_says_what_and_where():
    (finding,) = find_possible_names("Mötet med Anna Svensson")
    assert finding.is_warning and finding.kind == Kind.NAME
    assert finding.message.startswith("Tecken 11–23: ”Anna Svensson” kan vara namnet på en person.")


def test_the_name_lists_are_shipped_with_their_sources():
    lists = name_lists()
    assert len(lists.given) > 900 and len(lists.surnames) == 500
    assert {"Anna", "Lars", "Åke"} <= lists.given and {"Svensson", "Öberg"} <= lists.surnames
    data = Path(__file__).parent.parent / "data"
    header = [line for line in (data / "swedish_names.txt").read_text("utf-8").splitlines() if line.startswith("#")]
    text = "\n".join(header)
    assert "Isof" in text and "Skatteverket" in text and "MIT" in text
    assert "make_swedish_names.py" in text and (data / "make_swedish_names.py").exists()


def test_a_fingerprint_ties_a_confirmation_to_exactly_these_names():
    first = find_possible_names("Anna Svensson och Per Persson")
    moved = find_possible_names("I går: Per Persson, sedan Anna Svensson")
    other = find_possible_names("Anna Svensson och Per Nilsson")
    assert fingerprint(first) == fingerprint(moved) != fingerprint(other)
    assert fingerprint([]) == ""
    assert re.fullmatch(r"[0-9a-f]{20}", fingerprint(first))
