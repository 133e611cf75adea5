"""Joint suppression: small counts hidden, complements until nothing hidden can be worked out,
checked exactly (integer bounds)."""

from __future__ import annotations

import pytest

from lib.disclosure import Figure, Problem, Unsafe, decide, find_determined, integer_bounds, terms_of


def _table(problem: Problem, name: str, cells: list[list[int]], *, published: dict | None = None) -> None:
    """A table with row and column totals; unknowns (name, r, c)."""
    published = published or {}
    rows, cols = len(cells), len(cells[0])
    for r in range(rows):
        for c in range(cols):
            problem.truth[(name, r, c)] = cells[r][c]

    def add(key, unknowns):
        problem.figures.append(Figure(key, terms_of(unknowns), published_hidden=published.get(key)))

    for r in range(rows):
        for c in range(cols):
            add((name, r, c), [(name, r, c)])
        add((name, r, "T"), [(name, r, c) for c in range(cols)])
    for c in range(cols):
        add((name, "T", c), [(name, r, c) for r in range(rows)])
    add((name, "T", "T"), [(name, r, c) for r in range(rows) for c in range(cols)])


def test_a_small_cell_is_hidden_with_a_rectangle_and_cannot_be_worked_out():
    problem = Problem()
    _table(problem, "t", [[12, 3, 9], [7, 8, 15], [20, 11, 6]])
    decision = decide(problem, 5)
    assert ("t", 0, 1) in decision.primary
    cells = {k for k in decision.hidden if "T" not in k}
    assert len(cells) == 4  # the cheapest rectangle through the 3
    assert find_determined(problem, set(decision.hidden)) == []
    low, high = integer_bounds(problem, set(decision.hidden), ("t", 0, 1))
    assert low < 3 < high or (low < 3 and high >= 3) or (low <= 3 < high)


def test_a_table_without_small_counts_is_untouched_and_zeros_are_shown():
    problem = Problem()
    _table(problem, "t", [[0, 12], [14, 9]])
    assert decide(problem, 5).hidden == frozenset()


def test_each_table_and_their_sum_are_decided_together():
    """Two units and their sum: hiding the 1 in each unit's table alone would leave it derivable
    from the sum; decided together, it is not."""
    problem = Problem()
    _table(problem, "a", [[1, 9], [8, 7]])
    _table(problem, "b", [[6, 9], [8, 7]])
    for r in (0, 1, "T"):
        for c in (0, 1, "T"):
            rows = [0, 1] if r == "T" else [r]
            cols = [0, 1] if c == "T" else [c]
            unknowns = [(u, i, j) for u in "ab" for i in rows for j in cols]
            problem.figures.append(Figure(("sum", r, c), terms_of(unknowns)))
    decision = decide(problem, 5)
    assert ("a", 0, 0) in decision.hidden
    assert find_determined(problem, set(decision.hidden)) == []


def test_what_was_published_stays_as_it_was():
    problem = Problem()
    published = {("t", 0, 0): True, ("t", 0, 1): True, ("t", 1, 0): True, ("t", 1, 1): True}
    published |= {("t", r, "T"): False for r in (0, 1)} | {("t", "T", c): False for c in (0, 1)}
    published[("t", "T", "T")] = False
    _table(problem, "t", [[2, 9], [8, 7]], published=published)
    decision = decide(problem, 5)
    assert {("t", 0, 0), ("t", 0, 1), ("t", 1, 0), ("t", 1, 1)} <= decision.hidden
    assert not decision.hidden & {k for k, v in published.items() if v is False}


def test_a_count_already_given_away_cannot_be_repaired():
    problem = Problem()
    published = {("t", 0, 0): True}
    published |= {k: False for k in [("t", 0, 1), ("t", 1, 0), ("t", 1, 1), ("t", 0, "T"), ("t", 1, "T")]}
    published |= {k: False for k in [("t", "T", 0), ("t", "T", 1), ("t", "T", "T")]}
    _table(problem, "t", [[2, 9], [8, 7]], published=published)
    with pytest.raises(Unsafe):
        decide(problem, 5)


def test_figures_of_a_group_are_hidden_together():
    problem = Problem(truth={"n": 2, "s": 5})
    problem.figures = [
        Figure("count", terms_of(["n"]), group="g"),
        Figure("sum", terms_of(["s"]), protect=False, group="g", hidden_floor=None),
    ]
    assert decide(problem, 5).hidden == {"count", "sum"}


def test_a_relation_that_does_not_hold_is_not_used():
    problem = Problem(truth={"x": 3, "y": 1})
    assert problem.add_relation(terms_of({"x": 1, "y": -1}), low=0)
    assert not problem.add_relation(terms_of({"x": -1, "y": 1}), low=0)
    assert len(problem.relations) == 1


def test_integer_bounds_are_exact_where_the_relaxation_is_not():
    # x + y = 1 and x - y = 0 has the fractional solution 1/2 only: no whole-number solution
    # exists, so an attacker relying on whole numbers learns nothing more; with 2x + 2y = 2 and
    # x ≤ 1 the bounds are 0..1.
    problem = Problem(truth={"x": 1, "y": 0})
    problem.figures = [Figure("s", terms_of({"x": 2, "y": 2}), protect=False), Figure("x", terms_of(["x"]))]
    problem.bounds["x"] = (0, 1)
    assert integer_bounds(problem, {"x"}, "x") == (0, 1)
