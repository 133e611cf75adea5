from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DASH = "-"


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]
    # "sum" rows are bold in the seed; "heading" rows open a group (their cells are empty);
    # "note" rows are footnotes or "Källa: …" lines that belong to the row above.
    kind: str = "line"
    # A small table inside the row's last cell (the internal control's results).
    inner: list[Table] = field(default_factory=list)

    @property
    def bold(self) -> bool:
        return self.kind in {"sum", "heading"}

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "cells": list(self.cells), "kind": self.kind}
        if self.inner:
            data["tables"] = [table.as_json() for table in self.inner]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(
            label=data["label"],
            cells=list(data["cells"]),
            kind=data["kind"],
            inner=[Table.from_json(t) for t in data.get("tables", [])],
        )


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    # Columns the reader compares figures in: right-aligned, header included.
    numeric_from: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [row.as_json() for row in self.rows],
            "notes": list(self.notes),
            "numeric_from": self.numeric_from,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(
            key=data["key"],
            title=data["title"],
            columns=list(data["columns"]),
            rows=[Row.from_json(r) for r in data["rows"]],
            notes=list(data["notes"]),
            numeric_from=data.get("numeric_from", 1),
        )

    def row(self, label: str) -> Row:
        """The first row with `label` (tests and the page's summaries read rows by name)."""
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(label)
