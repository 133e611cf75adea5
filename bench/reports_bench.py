"""Benchmark 1: reports on the national data set, computed by the application's own code and, from a
Parquet export of the same rows, by DuckDB (what a columnar engine can do). The figures of both
must agree; the script stops if they do not.

- The IVO quarterly report (Q3 2026, reported 2026-10-15) for the median municipality and for the
  largest: rows per section, open or closed.
- The ACTivera full-year statistics 2025 for the largest förbund and for the whole country: the
  count tables by gender.

    .venv/bin/python bench/reports_bench.py [--scale 1.0] [--only-ivo]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG_SERVER, WORK, save
from bench.generate import ensure

DATABASE = "insyn_bench"
QUARTER = (2026, 3)
AS_OF = datetime.date(2026, 10, 15)
YEAR_START, YEAR_END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
RUNS = 5
EXPORTS = {
    "decision": "SELECT id, municipality_id, decision_date FROM decisions_decision",
    "event": "SELECT id, decision_id, kind, date FROM decisions_decisionevent",
    "enrolment": (
        "SELECT programme_unit_id, gender, start_date, exit_date, referring_party, education_level, income_before,"
        " time_without_work, born_in, exit_reason, occupation_after, income_after FROM activera_enrolment"
    ),
}
# The count tables compared, with the variable behind each and the enrolments it counts.
VARIABLES = {
    "referring_party": ("referring_party", "new"),
    "education": ("education_level", "new"),
    "income_before": ("income_before", "new"),
    "time_without_work": ("time_without_work", "new"),
    "born_in": ("born_in", "new"),
    "exit_reason": ("exit_reason", "exited"),
    "occupation_after": ("occupation_after", "exited"),
    "income_after": ("income_after", "exited"),
}


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time in milliseconds over RUNS runs after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def export_parquet(directory: Path, database: str) -> float:
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for name, query in EXPORTS.items():
        csv = directory / f"{name}.csv"
        subprocess.run(
            ["psql", f"{PG_SERVER}/{database}", "-qc", f"\\copy ({query}) TO '{csv}' CSV HEADER"], check=True
        )
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{csv}', header = true)) TO '{directory / name}.parquet' (FORMAT parquet)"
        )
        csv.unlink()
    return time.perf_counter() - started


# --- IVO quarterly report -----------------------------------------------------------------------

IVO_SQL = """
WITH d AS (SELECT id, decision_date FROM '{dir}/decision.parquet' WHERE municipality_id = {municipality}),
e AS (SELECT ev.* FROM '{dir}/event.parquet' ev JOIN d ON d.id = ev.decision_id),
first_end AS (
    SELECT decision_id, arg_min(kind, date) AS kind, min(date) AS date FROM e
    WHERE kind IN ('executed', 'resumed', 'ended') GROUP BY decision_id
),
waits AS (
    SELECT 1 AS section, d.decision_date AS start, f.date AS end_date
    FROM d LEFT JOIN first_end f ON f.decision_id = d.id
    UNION ALL
    SELECT 2, i.date, (
        SELECT min(x.date) FROM e x
        WHERE x.decision_id = i.decision_id AND x.kind IN ('executed', 'resumed', 'ended') AND x.date > i.date
    )
    FROM e i JOIN first_end f ON f.decision_id = i.decision_id AND f.kind = 'executed' AND i.date >= f.date
    WHERE i.kind = 'interrupted'
)
SELECT section, end_date IS NOT NULL AND end_date <= DATE '{as_of}' AS closed, count(*) AS n FROM waits
WHERE start + INTERVAL 3 MONTH <= DATE '{last_day}' AND (end_date IS NULL OR end_date > start + INTERVAL 3 MONTH)
GROUP BY ALL
"""


def ivo(directory: Path, municipality: Any) -> dict[str, Any]:
    import duckdb

    from apps.decisions.computation import compute_report
    from lib.quarters import Quarter

    quarter = Quarter(*QUARTER)

    def app() -> Counter[tuple[int, bool]]:
        return Counter((int(c.row.section), c.row.closed) for c in compute_report(municipality, quarter, AS_OF))

    sql = IVO_SQL.format(dir=directory, municipality=municipality.pk, as_of=AS_OF, last_day=quarter.last_day)

    def reference() -> Counter[tuple[int, bool]]:
        return Counter({(section, closed): n for section, closed, n in duckdb.execute(sql).fetchall()})

    app_ms, app_counts = timed(app)
    ref_ms, ref_counts = timed(reference)
    if app_counts != ref_counts:
        raise SystemExit(f"IVO figures differ for {municipality.slug}: Insyn {app_counts}, DuckDB {ref_counts}")
    return {"app_ms": round(app_ms, 1), "duckdb_ms": round(ref_ms, 1), "rows": sum(app_counts.values())}


# --- ACTivera full-year statistics --------------------------------------------------------------


def activera_reference(directory: Path, unit_ids: list[int]) -> Counter[tuple[str, str, str]]:
    import duckdb

    units = ", ".join(str(pk) for pk in unit_ids)
    where = (
        f"programme_unit_id IN ({units}) AND start_date <= DATE '{YEAR_END}'"
        f" AND (exit_date IS NULL OR exit_date >= DATE '{YEAR_START}')"
    )
    new = f"start_date >= DATE '{YEAR_START}'"
    exited = f"exit_date IS NOT NULL AND exit_date BETWEEN DATE '{YEAR_START}' AND DATE '{YEAR_END}'"
    groups = [
        "SELECT 'participants', 'active', gender, count(*) FROM en GROUP BY ALL",
        f"SELECT 'participants', 'new', gender, count(*) FROM en WHERE {new} GROUP BY ALL",
        f"SELECT 'participants', 'exited', gender, count(*) FROM en WHERE {exited} GROUP BY ALL",
    ]
    for key, (column, which) in VARIABLES.items():
        condition = new if which == "new" else exited
        value = "coalesce(nullif(education_level, ''), 'okand')" if column == "education_level" else column
        groups.append(
            f"SELECT '{key}', {value}, gender, count(*) FROM en WHERE {condition} AND {column} <> '' GROUP BY ALL"
            if column != "education_level"
            else f"SELECT '{key}', {value}, gender, count(*) FROM en WHERE {condition} GROUP BY ALL"
        )
    sql = f"WITH en AS (SELECT * FROM '{directory}/enrolment.parquet' WHERE {where}) " + " UNION ALL ".join(groups)
    return Counter({(key, value, gender): n for key, value, gender, n in duckdb.execute(sql).fetchall()})


def activera_app_counts(tables: dict[str, Any]) -> tuple[Counter[tuple[str, str, str]], set[str]]:
    """The application's raw tables back to (table, value, gender) → count, and the table keys
    (every count is compared: these are the counts before anything leaves the municipality)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for key, table in tables.items():
        for value, row in zip(table.rows, table.cells, strict=True):
            for gender, cell in zip(table.columns, row, strict=True):
                if cell:
                    counts[(key, value, gender)] = cell
    return counts, set(tables)


def activera(directory: Path, units: list[Any], label: str) -> dict[str, Any]:
    from apps.activera.reports import period_tables

    app_ms, figures = timed(lambda: period_tables(units, YEAR_START, YEAR_END))
    tables = figures.tables
    ref_ms, reference = timed(lambda: activera_reference(directory, [u.pk for u in units]))
    app_counts, complete = activera_app_counts(tables)
    # The tables the reference computes; the application's others (activity occasions) have no twin.
    app_counts = Counter({k: n for k, n in app_counts.items() if k[0] in {"participants", *VARIABLES}})
    compared = set(app_counts) | {k for k in reference if k[0] in complete}
    differing = {k: (app_counts.get(k), reference.get(k)) for k in compared if app_counts.get(k) != reference.get(k)}
    if differing:
        raise SystemExit(f"ACTivera figures differ for {label}: {sorted(differing.items())[:10]}")
    active = sum(n for (key, value, _g), n in app_counts.items() if key == "participants" and value == "active")
    return {"app_ms": round(app_ms, 1), "duckdb_ms": round(ref_ms, 1), "active_participants": active}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("INSYN_BENCH_SCALE", "1.0")))
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--only-ivo", action="store_true", help="time the IVO reports only; prints them, saves nothing")
    args = parser.parse_args()
    generated = ensure(scale=args.scale, seed=2026, database=args.database)
    directory = WORK / "parquet"
    export_seconds = export_parquet(directory, args.database)

    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
    import django

    django.setup()
    from django.db.models import Count

    from apps.activera.models import ProgrammeUnit
    from apps.organisations.models import Organisation

    by_size = list(
        Organisation.objects.filter(kind="municipality").annotate(n=Count("decisions")).order_by("-n", "slug")
    )
    largest, median = by_size[0], by_size[len(by_size) // 2]
    units = list(ProgrammeUnit.objects.select_related("programme"))
    forbund_of = {u.pk: u.programme.forbund_id for u in units}
    biggest_forbund = Counter(forbund_of.values()).most_common(1)[0][0]
    forbund_units = [u for u in units if forbund_of[u.pk] == biggest_forbund]

    results: dict[str, Any] = {
        "scale": args.scale,
        "generated": generated,
        "parquet_export_s": round(export_seconds, 1),
    }
    results["ivo_median_municipality"] = {"decisions": median.n, **ivo(directory, median)}
    results["ivo_largest_municipality"] = {"decisions": largest.n, **ivo(directory, largest)}
    if args.only_ivo:
        for key in ("ivo_median_municipality", "ivo_largest_municipality"):
            print(f"{key:28} {results[key]}")
        return
    results["activera_year_forbund"] = {"units": len(forbund_units), **activera(directory, forbund_units, "förbund")}
    results["activera_year_country"] = {"units": len(units), **activera(directory, units, "country")}
    for key in ("activera_year_forbund", "activera_year_country"):
        part = results[key]
        part["ratio"] = round(part["app_ms"] / part["duckdb_ms"], 1)
    save("reports", results)
    for key, value in results.items():
        print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
