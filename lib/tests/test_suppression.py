"""Suppression is checked against an attacker who solves the published totals exactly."""

from fractions import Fraction
from itertools import product

import pytest

from lib.suppression import suppress


def _derivable(table) -> set[tuple[int, int]]:
    """Hidden interior cells whose value follows from the shown cells and totals (exact algebra)."""
    hidden = sorted(table.hidden)
    if not hidden:
        return set()
    equations = []
    n_rows, n_cols = len(table.counts), len(table.counts[0])
    for r in range(n_rows):
        if table.row_total(r) is not None:
            equations.append([Fraction(1 if cell[0] == r else 0) for cell in hidden])
    for c in range(n_cols):
        if table.column_total(c) is not None:
            equations.append([Fraction(1 if cell[1] == c else 0) for cell in hidden])
    # Row-reduce and see which unit vectors lie in the row space.
    matrix = [row[:] for row in equations]
    pivots = []
    row_i = 0
    for col in range(len(hidden)):
        pivot = next((i for i in range(row_i, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[row_i], matrix[pivot] = matrix[pivot], matrix[row_i]
        lead = matrix[row_i][col]
        matrix[row_i] = [v / lead for v in matrix[row_i]]
        for i in range(len(matrix)):
            if i != row_i and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[row_i], strict=True)]
        pivots.append(col)
        row_i += 1
    found = set()
    for reduced in matrix[:row_i]:
        nonzero = [j for j, v in enumerate(reduced) if v != 0]
        if len(nonzero) == 1:
            found.add(hidden[nonzero[0]])
    return found


def test_small_cells_are_hidden_and_none_can_be_recomputed():
    table = suppress([[12, 3, 9], [7, 8, 15], [20, 11, 6]], threshold=5)
    assert (0, 1) in table.hidden
    assert len(table.hidden) >= 4
    assert _derivable(table) == set()
    assert table.cell(1, 2) in (15, None)


def test_a_table_without_small_cells_is_untouched():
    table = suppress([[12, 30], [7, 8]], threshold=5)
    assert table.hidden == frozenset()
    assert table.row_totals == [42, 15] and table.column_totals == [19, 38]


def test_a_single_line_hides_at_least_two_cells():
    table = suppress([[40, 2, 17, 9]], threshold=5)
    assert table.hidden == {(0, 1), (0, 3)}
    column = suppress([[40], [2], [17]], threshold=5)
    assert column.hidden == {(1, 0), (2, 0)}


def test_zeros_are_shown():
    table = suppress([[0, 12], [14, 9]], threshold=5)
    assert table.hidden == frozenset()


def test_a_tiny_table_is_hidden_entirely():
    table = suppress([[1, 2], [0, 1]], threshold=5)
    assert table.total() is None and len(table.hidden) == 4


def test_small_margins_are_hidden_in_pairs():
    table = suppress([[1, 1, 30], [20, 25, 30], [1, 2, 40]], threshold=5)
    hidden_rows = table.hidden_row_totals
    assert len(hidden_rows) in (0, 2, 3)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_leak_a_hidden_cell(seed):
    import random

    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(2, 5), rng.randint(2, 5)
    counts = [[rng.choice([0, 1, 2, 3, 4, 6, 8, 12, 20]) for _ in range(n_cols)] for _ in range(n_rows)]
    table = suppress(counts, threshold=5)
    for r, c in product(range(n_rows), range(n_cols)):
        if 0 < counts[r][c] < 5 and table.total() is not None:
            assert (r, c) in table.hidden
    assert _derivable(table) == set()
