import random
from fractions import Fraction

import pytest

from lib.money import apportion, format_kronor, split_in_tertials


def test_it_splits_exactly_when_the_total_divides_evenly():
    assert apportion(100, [1, 1, 2]) == [25, 25, 50]


def test_it_gives_the_missing_kronor_to_the_largest_remainders():
    # 10 / 3 = 3.33 each: one krona is missing and goes to the first share (ties go first).
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    # Exact shares 0.5, 0.3, 0.2 of 7 = 3.5, 2.1, 1.4: floors 3, 2, 1; the missing krona to 3.5.
    assert apportion(7, [5, 3, 2]) == [4, 2, 1]


@pytest.mark.parametrize("seed", range(200))
def test_shares_always_add_up_and_stay_within_a_krona_of_the_exact_value(seed):
    rng = random.Random(seed)
    total = rng.choice([0, 1, 2, 3, 7, 999_999, 7_156_001, rng.randrange(10**9)])
    weights = [rng.randrange(1, 200_000) for _ in range(rng.randrange(1, 9))]
    shares = apportion(total, weights)
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert abs(share - exact) < 1


def test_it_accepts_fractions_as_weights():
    # Exact 1.5, 0.75, 0.75: floors 1, 0, 0; the two missing kronor go to the 0.75 remainders.
    assert apportion(3, [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)]) == [1, 1, 1]


def test_it_refuses_impossible_input():
    with pytest.raises(ValueError):
        apportion(-1, [1])
    with pytest.raises(ValueError):
        apportion(1, [0, 0])
    with pytest.raises(ValueError):
        apportion(1, [])


@pytest.mark.parametrize(
    ("total", "parts"),
    [
        (1_650_000, [550_000, 550_000, 550_000]),
        (1_000_001, [333_333, 333_333, 333_335]),
        (2, [0, 0, 2]),
        (0, [0, 0, 0]),
    ],
)
def test_tertials_add_up_with_the_remainder_on_the_last(total, parts):
    assert split_in_tertials(total) == parts
    assert sum(split_in_tertials(total)) == total


def test_kronor_are_grouped_in_threes_like_the_seeds():
    assert format_kronor(1_650_000) == "1\u00a0650\u00a0000\u00a0kr"
    assert format_kronor(-2_100_000) == "−2\u00a0100\u00a0000\u00a0kr"
    assert format_kronor(None) == ""
