import pytest

from lib.swedish import MONTHS, month_name, swedish_key


def test_months_are_named_from_january():
    assert month_name(1) == "januari" and month_name(9) == "september" and len(MONTHS) == 12


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_the_year_is_refused(month):
    with pytest.raises(ValueError):
        month_name(month)


def test_a_a_and_o_with_marks_sort_after_z_in_swedish_order():
    words = ["Öppenvård", "Ärende", "Ålder", "Zon", "Boendestöd", "écu"]
    assert sorted(words, key=swedish_key) == ["Boendestöd", "écu", "Zon", "Ålder", "Ärende", "Öppenvård"]
