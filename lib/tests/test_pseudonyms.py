import pytest

from lib.pseudonyms import ALPHABET, LENGTH, generate_code, is_valid_code, normalise_code


def test_a_code_is_a_prefix_a_dash_and_six_unambiguous_characters():
    code = generate_code("ALI")
    assert is_valid_code(code)
    assert code.startswith("ALI-")
    assert len(code) == 4 + LENGTH


def test_the_alphabet_has_no_look_alike_characters():
    for char in "0O1IL2Z5S8BUG6":
        assert char not in ALPHABET


def test_the_code_space_is_large_and_drawn_at_random():
    # 22^6 ≈ 1.1e8 codes per municipality; the registry retries on the rare collision
    # (tests/test_person_registry.py proves the retry).
    assert len(ALPHABET) ** LENGTH > 10**8
    codes = {generate_code("LER") for _ in range(1_000)}
    assert len(codes) >= 995


def test_it_rejects_a_malformed_prefix():
    with pytest.raises(ValueError):
        generate_code("al")


def test_it_normalises_what_a_user_types():
    assert normalise_code(" ali7kq3m9 ") == "ALI-7KQ3M9"
    assert normalise_code("ali-7kq3m9") == "ALI-7KQ3M9"
    assert not is_valid_code("ALI-0KQ3M9")
