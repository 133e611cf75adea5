import datetime

import pytest

from lib.quarters import Quarter, add_months, quarters_of

D = datetime.date


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2021, 11, 30), D(2022, 2, 28)),
        (D(2023, 11, 30), D(2024, 2, 29)),
        (D(2022, 7, 25), D(2022, 10, 25)),
        (D(2022, 10, 31), D(2023, 1, 31)),
        (D(2022, 12, 31), D(2023, 3, 31)),
        (D(2022, 5, 31), D(2022, 8, 31)),
        (D(2022, 6, 30), D(2022, 9, 30)),
    ],
)
def test_three_months_later_is_clamped_to_the_months_last_day(start, expected):
    assert add_months(start, 3) == expected


def test_quarters_know_their_days_and_neighbours():
    q = Quarter.parse("2022Q4")
    assert (q.first_day, q.last_day) == (D(2022, 10, 1), D(2022, 12, 31))
    assert q.next() == Quarter(2023, 1) and q.previous() == Quarter(2022, 3)
    assert Quarter.containing(D(2022, 2, 28)) == Quarter(2022, 1)
    assert str(q) == "2022Q4" and Quarter(2023, 1) > q
    assert [str(x) for x in quarters_of(2021)] == ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]


@pytest.mark.parametrize("text", ["2022Q5", "2022", "Q4 2022", "22Q1"])
def test_a_malformed_quarter_gets_a_swedish_message(text):
    with pytest.raises(ValueError, match="ÅÅÅÅQn"):
        Quarter.parse(text)
