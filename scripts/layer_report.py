"""Counts for the layers of docs/architecture.md: imports that run up a layer (or sideways between
the programme apps), the largest modules, and how many pass 500 lines.

    .venv/bin/python scripts/layer_report.py [ROOT]

ROOT is a checkout (default: this one); run it on an older checkout to compare. The counts read
the import graph with grimp, the library import-linter uses, type-checking imports excluded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

# Lower number = lower layer. Sibling apps share a number; an import between them counts as sideways.
LAYERS = {
    "lib": 0,
    "insyn.errors": 0,
    "apps.core": 1,
    "apps.audit": 2,
    "apps.organisations": 3,
    "apps.accounts": 4,
    "apps.people": 5,
    "apps.activera": 6,
    "apps.decisions": 6,
    "apps.lexheller": 6,
    "apps.forbund": 7,
    "apps.home": 8,
    "insyn": 9,
}


def layer_of(module: str) -> tuple[str, int] | None:
    best = None
    for prefix, layer in LAYERS.items():
        if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return best


def main(root: Path) -> None:
    sys.path.insert(0, str(root))
    graph = grimp.build_graph("apps", "lib", "insyn", exclude_type_checking_imports=True)
    upward, sideways = [], []
    for importer in sorted(graph.modules):
        source = layer_of(importer)
        if source is None or ".migrations" in importer or ".tests" in importer:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            target = layer_of(imported)
            if target is None or target[0] == source[0]:
                continue
            if target[1] > source[1]:
                upward.append(f"{importer} -> {imported}")
            elif target[1] == source[1] and source[1] == 6:
                sideways.append(f"{importer} -> {imported}")
    sizes = sorted(
        (
            (len(path.read_text().splitlines()), str(path.relative_to(root)))
            for folder in ("apps", "lib", "insyn", "bench", "scripts")
            for path in (root / folder).rglob("*.py")
            if "migrations" not in path.parts and "tests" not in path.parts
        ),
        reverse=True,
    )
    print(f"imports up a layer: {len(upward)}")
    for line in upward:
        print(f"  {line}")
    print(f"imports between the programme apps: {len(sideways)}")
    for line in sideways:
        print(f"  {line}")
    print(f"largest module: {sizes[0][1]} ({sizes[0][0]} lines)")
    print(f"modules over 500 lines: {sum(1 for lines, _ in sizes if lines > 500)}")
    for lines, name in sizes[:5]:
        print(f"  {lines:5d} {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
