"""Suppression of small counts in tables that leave a municipality.

A cell with 0 < count < threshold is hidden (primary suppression). Because the table shows its row
and column totals, one hidden cell could be recomputed from them; so more cells are hidden
(complementary suppression) until no hidden value can be derived exactly. For a table with margins,
a hidden cell is derivable exactly when it is a *bridge* in the bipartite graph whose nodes are the
rows and columns and whose edges are the hidden cells; a cell that lies on a cycle is not. The
complement adds the cheapest rectangle (two rows × two columns) through each bridge. A single row or
column needs at least two hidden cells. Small margins are hidden the same way along their line.
Zeros are shown: a zero reveals no one, and hiding zeros is preferred only when nothing else works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = tuple[int, int]
ZERO_COST = 10**6  # hide a zero only when no non-zero cell can serve


@dataclass(frozen=True)
class SuppressedTable:
    counts: list[list[int]]
    hidden: frozenset[Cell]
    row_totals: list[int]
    column_totals: list[int]
    hidden_row_totals: frozenset[int] = field(default_factory=frozenset)
    hidden_column_totals: frozenset[int] = field(default_factory=frozenset)
    grand_total: int = 0
    hidden_grand_total: bool = False

    def cell(self, row: int, column: int) -> int | None:
        return None if (row, column) in self.hidden else self.counts[row][column]

    def row_total(self, row: int) -> int | None:
        return None if row in self.hidden_row_totals else self.row_totals[row]

    def column_total(self, column: int) -> int | None:
        return None if column in self.hidden_column_totals else self.column_totals[column]

    def total(self) -> int | None:
        return None if self.hidden_grand_total else self.grand_total


def _cost(value: int) -> int:
    return value if value > 0 else ZERO_COST


def _connected_without(hidden: set[Cell], edge: Cell) -> bool:
    """Is row edge[0] still connected to column edge[1] when `edge` is removed?"""
    start, goal = ("r", edge[0]), ("c", edge[1])
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for cell in hidden:
        if cell == edge:
            continue
        a, b = ("r", cell[0]), ("c", cell[1])
        adjacency.setdefault(a, []).append(b)
        adjacency.setdefault(b, []).append(a)
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for nxt in adjacency.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def _line(values: Sequence[int], threshold: int) -> set[int]:
    """Hide small values on one line (with a shown total): never exactly one hidden."""
    hidden = {i for i, v in enumerate(values) if 0 < v < threshold}
    if len(hidden) == 1:
        candidates = sorted((i for i in range(len(values)) if i not in hidden), key=lambda i: (_cost(values[i]), i))
        if candidates:
            hidden.add(candidates[0])
    return hidden


def suppress(counts: Sequence[Sequence[int]], threshold: int) -> SuppressedTable:
    rows = [list(row) for row in counts]
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    row_totals = [sum(row) for row in rows]
    column_totals = [sum(rows[r][c] for r in range(n_rows)) for c in range(n_cols)]
    grand = sum(row_totals)
    if threshold <= 1 or not rows or not n_cols:
        return SuppressedTable(rows, frozenset(), row_totals, column_totals, grand_total=grand)
    if 0 < grand < threshold:
        everything = frozenset((r, c) for r in range(n_rows) for c in range(n_cols))
        return SuppressedTable(
            rows, everything, row_totals, column_totals, frozenset(range(n_rows)), frozenset(range(n_cols)), grand, True
        )

    if n_rows == 1 or n_cols == 1:
        flat = [rows[r][c] for r in range(n_rows) for c in range(n_cols)]
        hidden_flat = _line(flat, threshold)
        hidden = {(i, 0) if n_cols == 1 else (0, i) for i in hidden_flat}
    else:
        hidden = {(r, c) for r in range(n_rows) for c in range(n_cols) if 0 < rows[r][c] < threshold}
        changed = True
        while changed:
            changed = False
            for edge in sorted(hidden):
                if _connected_without(hidden, edge):
                    continue
                r, c = edge
                best: tuple[int, Cell, Cell, Cell] | None = None
                for r2 in range(n_rows):
                    if r2 == r:
                        continue
                    for c2 in range(n_cols):
                        if c2 == c:
                            continue
                        trio = [(r, c2), (r2, c), (r2, c2)]
                        cost = sum(0 if cell in hidden else _cost(rows[cell[0]][cell[1]]) for cell in trio)
                        if best is None or cost < best[0]:
                            best = (cost, *trio)  # type: ignore[assignment]
                assert best is not None
                hidden.update(best[1:])
                changed = True
                break
    hidden_row_totals = _line(row_totals, threshold) if n_rows > 1 else set()
    hidden_column_totals = _line(column_totals, threshold) if n_cols > 1 else set()
    return SuppressedTable(
        rows,
        frozenset(hidden),
        row_totals,
        column_totals,
        frozenset(hidden_row_totals),
        frozenset(hidden_column_totals),
        grand,
    )
