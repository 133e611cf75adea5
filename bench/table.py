"""The results table: bench/results/*.json as Markdown, each figure beside its reference and target.

`make bench` prints it; `--readme` also writes it into bench/README.md between the results markers,
so the figures there are always the ones in the JSON files next to them.

    .venv/bin/python bench/table.py [--readme]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
README = BENCH / "README.md"
BEGIN, END = "<!-- results: bench/table.py -->", "<!-- /results -->"

P95_TARGET_MS = 150
SHARE_TARGET = 0.40
REPORT_TARGET_MS = 200
MEDIAN_REPORT_TARGET_MS = 50
NATIONAL_RATIO_TARGET = 3
IMPORT_TARGET_ROWS_PER_SECOND = 20_000
IMPORT_COPY_RATIO_TARGET = 30
YEAREND_TARGET_MS = 2000
SOAK_GROWTH_TARGET_PERCENT = 10

LOAD_PAGES = [
    ("participant list", "Participant list (50 rows)"),
    ("participant page", "Participant page"),
    ("decision list", "Decision list"),
    ("report page", "Report page (IVO)"),
    ("user list", "User administration, list"),
    ("user page", "User administration, one user"),
    ("job page", "Job page (a queued export)"),
    ("API decisions", "API `/api/v1/decisions/`"),
    ("API participants", "API `/api/v1/participants/`"),
    ("API people", "API `/api/v1/people/`"),
]


def n(value: float, decimals: int = 0) -> str:
    """Thousands grouped by spaces, as the rest of the README writes them."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ")


def ms(value: float) -> str:
    return f"{n(value, 1 if value < 100 else 0)} ms"


def verdict(met: bool, shortfall: str = "") -> str:
    return "**yes**" if met else f"**no{', ' + shortfall if shortfall else ''}**"


def machine_line(machine: dict[str, str]) -> str:
    return (
        f"Machine: {machine['cores']} cores ({machine['cpu']}), PostgreSQL {machine['postgresql']}, "
        f"Python {machine['python']}. Date {machine['date']}."
    )


def reports_table(data: dict[str, Any]) -> list[str]:
    rows = [
        "| Report | Rows in | Insyn | DuckDB | Ratio | Target | Met? |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for key, title, limit in [
        ("ivo_median_municipality", "IVO quarterly report, median municipality, typical", MEDIAN_REPORT_TARGET_MS),
        ("ivo_largest_municipality", "IVO quarterly report, largest municipality, typical", REPORT_TARGET_MS),
        ("ivo_median_first", "IVO quarterly report, median municipality, first ever", MEDIAN_REPORT_TARGET_MS),
        ("ivo_largest_first", "IVO quarterly report, largest municipality, first ever", REPORT_TARGET_MS),
    ]:
        if key not in data:
            continue
        r = data[key]
        app = r["app_ms"]
        over = app / limit
        rows.append(
            f"| {title} | {n(r['decisions'])} decisions → {n(r['rows'])} report rows | {ms(app)} | "
            f"{ms(r['duckdb_ms'])} | {n(app / r['duckdb_ms'], 1)}× | < {limit} ms | "
            f"{verdict(app < limit, f'{n(over, 1)}× over')} |"
        )
    for key, title, target in [
        ("activera_year_forbund", "ACTivera full year, largest förbund, summed from the frozen deliveries", None),
        (
            "activera_year_country",
            "ACTivera full year, whole country, summed from the frozen deliveries",
            NATIONAL_RATIO_TARGET,
        ),
        ("activera_year_largest_unit", "ACTivera full year, largest executor, computed from its enrolments", None),
    ]:
        if key not in data:
            continue
        r = data[key]
        ratio = r["app_ms"] / r["duckdb_ms"]
        met = "" if target is None else verdict(ratio <= target, f"{n(ratio / target, 1)}× over the target")
        rows.append(
            f"| {title} ({r['units']} {'unit' if r['units'] == 1 else 'units'}) | "
            f"{n(r['active_participants'])} active participants | "
            f"{ms(r['app_ms'])} | {ms(r['duckdb_ms'])} | {n(ratio, 1)}× | "
            f"{'–' if target is None else f'within {target}×'} | {met} |"
        )
    return rows


def import_table(data: dict[str, Any]) -> list[str]:
    rate, copy = data["import_rows_per_second"], data["copy_rows_per_second"]
    ratio = data["ratio_import_to_copy"]
    small, large = data["peak_rss_mb_small"], data["peak_rss_mb_large"]
    growth = (large - small) / small * 100
    return [
        "| Measure | Insyn | Reference | Target | Met? |",
        "|---|---|---|---|---|",
        f"| Rows per second, `insyn decisions import` (whole command) | {n(rate)} "
        f"({n(data['import_rows_per_second_without_startup'])} without start-up) | COPY: {n(copy)} | "
        f"≥ {n(IMPORT_TARGET_ROWS_PER_SECOND)} | "
        f"{verdict(rate >= IMPORT_TARGET_ROWS_PER_SECOND, f'{n(IMPORT_TARGET_ROWS_PER_SECOND / rate, 1)}× short')} |",
        f"| Time, {n(data['rows'])} rows ({n(data['file_mb'], 1)} MB) | {n(data['import_seconds'], 1)} s | "
        f"COPY: {n(data['copy_seconds'], 2)} s | within {IMPORT_COPY_RATIO_TARGET}× of COPY | "
        f"{verdict(ratio <= IMPORT_COPY_RATIO_TARGET, f'{n(ratio)}×')} |",
        f"| Re-import of the same file (every row an update) | {n(data['reimport_rows_per_second'])} rows/s "
        f"({n(data['reimport_seconds'], 1)} s) | | | |",
        f"| Peak memory, {n(data['small_rows'])} → {n(data['rows'])} rows | {n(small)} MB → {n(large)} MB | "
        f"| flat in file size | {n(growth)} % more for {n(data['rows'] / data['small_rows'])}× the file |",
    ]


def load_table(data: dict[str, Any]) -> list[str]:
    ceiling = data["trivial view (ceiling)"]
    rows = [
        f"{data['connections']} connections, {data['seconds_each']} s per page saturated, then "
        f"{data['connections']} users clicking about once a second; gunicorn {data['workers']} workers × "
        f"{data['threads']} threads, scale {data['scale']}, municipality {data['municipality']} "
        f"(report of {n(data['report_rows'])} rows).",
        "",
        "| Page | Saturated: requests/s | Share of ceiling (≥ 40 %) | Saturated p95 | "
        f"Users: p50 | Users: p95 (< {P95_TARGET_MS} ms) | Errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| Trivial view, `/healthz` (the ceiling) | {n(ceiling['per_second'])} | 100 % | "
        f"{ms(ceiling['p95_ms'])} | | | {ceiling['errors']} |",
    ]
    for key, title in LOAD_PAGES:
        r = data.get(key)
        if r is None:
            continue
        users = r["users"]
        share = r["share_of_ceiling"]
        share_text = f"{n(share * 100)} %" + ("" if share >= SHARE_TARGET else " ✗")
        p95_text = ms(users["p95_ms"]) + ("" if users["p95_ms"] < P95_TARGET_MS else " ✗")
        rows.append(
            f"| {title} | {n(r['per_second'])} | {share_text} | {ms(r['p95_ms'])} | {ms(users['p50_ms'])} | "
            f"{p95_text} | {r['errors'] + users['errors']} |"
        )
    soak = data.get("soak")
    if soak:
        growth = soak["max_growth_percent"]
        rows += [
            "",
            "| Soak | Requests | Seconds | Requests/s | p95 | Errors | Workers restarted | "
            f"Worker memory before → after | Largest growth (≤ {SOAK_GROWTH_TARGET_PERCENT} %) |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|",
            f"| Caseworkers' own pages, steady | {n(soak['requests'])} | {n(soak['seconds'])} | "
            f"{n(soak['per_second'], 1)} | {ms(soak['p95_ms'])} | {soak['errors']} | {soak['workers_restarted']} | "
            f"{' / '.join(map(str, soak['rss_before_mb']))} MB → {' / '.join(map(str, soak['rss_after_mb']))} MB | "
            f"{n(growth, 1)} % {verdict(growth <= SOAK_GROWTH_TARGET_PERCENT and soak['errors'] == 0)} |",
        ]
    return rows


def yearend_table(data: dict[str, Any]) -> list[str]:
    rows = ["| File | Insyn | Size | Target | Met? |", "|---|---:|---|---|---|"]
    for key, title, size in [
        ("docx", "DOCX", f"{n(data['docx_kb'], 1)} kB"),
        ("pdf", "PDF (PDF/A-3b)", f"{n(data['pdf_kb'], 1)} kB, {data['pdf_pages']} pages"),
    ]:
        value = data[f"{key}_ms"]
        met = verdict(value < YEAREND_TARGET_MS, f"{n(value / YEAREND_TARGET_MS, 1)}× over")
        rows.append(
            f"| Årsbokslut {data['year']}, {data['namnd']}, {title} | {ms(value)} | {size} | "
            f"< {n(YEAREND_TARGET_MS)} ms | {met} |"
        )
    return rows


SECTIONS = [
    ("generate", "The national data set", None),
    ("reports", "1. Reports (`bench/reports_bench.py`)", reports_table),
    ("import", "2. Import (`bench/import_bench.py`)", import_table),
    ("load", "3 and 4. Pages and API under load, and the soak (`bench/load_bench.py`)", load_table),
    ("yearend", "5. The annual accounts (`bench/yearend_bench.py`)", yearend_table),
]


def render(results: Path = RESULTS) -> str:
    lines: list[str] = []
    for name, title, table in SECTIONS:
        path = results / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        if table is None:
            lines += [
                f"**{title}:** {n(data['rows'])} rows in {n(data['seconds'], 1)} s "
                f"({n(data['rows_per_second'])} rows/s). {machine_line(data['machine'])}",
                "",
            ]
            continue
        lines += [f"### {title}", "", machine_line(data["machine"]), "", *table(data), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_readme(table: str) -> None:
    text = README.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + table + text[end:])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    args = parser.parse_args(argv)
    table = render()
    sys.stdout.write(table)
    if args.readme:
        write_readme(table)


if __name__ == "__main__":
    main()
