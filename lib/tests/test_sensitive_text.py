import pytest

from lib.sensitive_text import find_personal_data


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Personen med nummer 19850101-1234 nekades", "identity_number"),
        ("nr 850101-1234 fick avslag", "identity_number"),
        ("8501016789", "identity_number"),
        ("samordningsnummer 850161-1234", "identity_number"),
        ("ring 070-123 45 67", "phone"),
        ("växeln +46 31 123 45 67", "phone"),
        ("skriv till anna.andersson@kommun.se", "email"),
    ],
)
def test_it_finds_what_looks_like_personal_data(text, kind):
    assert [f.kind for f in find_personal_data(text)] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Försäkringskassan (org. nr 202100-5521) och kommunen",
        "Avtalet om 1 650 000 kr gäller 2023-01-01 – 2023-12-31",
        "Under 2023–2024 väntade 12 personer mer än 20 veckor",
        "5 kap. 1 § socialförsäkringsbalken",
    ],
)
def test_it_allows_structural_text_with_numbers(text):
    assert find_personal_data(text) == []


def test_the_message_names_the_finding_and_explains_why():
    (finding,) = find_personal_data("ring 070-123 45 67")
    assert "telefonnummer" in finding.message
    assert "070-123 45 67" in finding.message
    assert "aldrig en enskild person" in finding.message


def test_ten_digits_that_could_be_a_phone_or_a_personnummer_are_refused_either_way():
    # 0701234567 is a mobile number and also the personnummer of someone born 23 January 2007.
    assert find_personal_data("0701234567")
