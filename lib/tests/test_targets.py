from decimal import Decimal

import pytest

from lib.targets import meets, proposed_step


@pytest.mark.parametrize(
    ("direction", "target", "value", "expected"),
    [
        ("ge", "86", "81", False),
        ("ge", "86", "86", True),
        ("gt", "19", "19", False),
        ("gt", "19", "17.4", False),
        ("le", "215", "237", False),
        ("le", "215", "215", True),
        ("lt", "5", "4.9", True),
        ("eq", "100", "100", True),
        ("eq", "11", "10", False),
    ],
)
def test_a_figure_meets_its_target_in_its_direction(direction, target, value, expected):
    assert meets(direction, Decimal(target), Decimal(value)) is expected


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        meets("approx", Decimal(1), Decimal(1))


def test_all_met_proposes_the_top_step_and_none_the_lowest():
    assert proposed_step([True, True], 3) == 2
    assert proposed_step([False, False], 3) == 0


def test_some_met_proposes_a_step_in_between():
    assert proposed_step([True, False], 3) == 1
    assert proposed_step([True, False, False, False], 5) == 1
    assert proposed_step([True, False], 2) == 1


def test_without_figures_or_scale_nothing_is_proposed():
    assert proposed_step([], 3) is None
    assert proposed_step([True], 0) is None
