"""Benchmark 1: reports on the national data set, computed by the application's own code and, from a
Parquet export of the same rows, by DuckDB (what a columnar engine can do). The figures of both
must agree; the script stops if they do not.

- The IVO quarterly report for the median municipality and for the largest: rows per section, open
  or closed. Twice: the typical report (Q3 2026, reported 2026-10-15), which reuses the report of
  Q2 2026 the data set has submitted, and the first report ever (Q2 2026 itself, reported
  2026-07-15: nothing submitted before it, so ten years of waits), the worst case. DuckDB computes
  both from scratch, so the reuse is checked against the rule too.
- The ACTivera full-year statistics 2025 for the largest förbund and for the whole country, summed
  from every executor's frozen delivery of the year (frozen once, not timed, kept with the data
  set), and the largest executor's year computed from its enrolments (what its delivery freezes):
  the count tables by gender.

    .venv/bin/python bench/reports_bench.py [--scale 1.0] [--only-ivo]
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG_SERVER, WORK, save, timed
from bench.generate import HISTORY_AS_OF, HISTORY_QUARTER, ensure

DATABASE = "insyn_bench"
QUARTER, AS_OF = (2026, 3), datetime.date(2026, 10, 15)
FIRST_QUARTER, FIRST_AS_OF = HISTORY_QUARTER, HISTORY_AS_OF
YEAR_START, YEAR_END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
EXPORTS = {
    "decision": "SELECT id, municipality_id, decision_date FROM decisions_decision",
    "event": "SELECT id, decision_id, kind, date FROM decisions_decisionevent",
    "reportrow": (
        "SELECT q.municipality_id, q.year, q.quarter, r.decision_id, r.episode_kind, r.episode_start, r.section,"
        " r.closed FROM decisions_reportrow r JOIN decisions_quarterlyreport q ON q.id = r.report_id"
        " WHERE q.status = 'submitted'"
    ),
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
    SELECT d.id AS decision_id, 1 AS section, 'not_executed' AS kind, d.decision_date AS start, f.date AS end_date
    FROM d LEFT JOIN first_end f ON f.decision_id = d.id
    UNION ALL
    SELECT i.decision_id, 2, 'interrupted', i.date, (
        SELECT min(x.date) FROM e x
        WHERE x.decision_id = i.decision_id AND x.kind IN ('executed', 'resumed', 'ended') AND x.date > i.date
    )
    FROM e i JOIN first_end f ON f.decision_id = i.decision_id AND f.kind = 'executed' AND i.date >= f.date
    WHERE i.kind = 'interrupted'
),
-- What the submitted reports of earlier quarters listed, wait by wait.
listed AS (
    SELECT decision_id, episode_kind AS kind, episode_start AS start,
        bool_or(section <> 3 AND NOT closed) AS listed_open, bool_or(section = 3) AS in_section_3
    FROM '{dir}/reportrow.parquet'
    WHERE municipality_id = {municipality} AND year * 4 + quarter < {quarter_index}
    GROUP BY ALL
),
w AS (
    SELECT waits.*, l.decision_id IS NOT NULL AS listed, coalesce(l.listed_open, false) AS listed_open,
        coalesce(l.in_section_3, false) AS in_section_3,
        end_date IS NOT NULL AND end_date <= DATE '{as_of}' AS ended
    FROM waits LEFT JOIN listed l USING (decision_id, kind, start)
)
-- Listed open before: again while open, in section 3 once it has ended. Never listed: once overdue.
SELECT CASE WHEN ended THEN 3 ELSE section END AS section, ended AS closed, count(*) AS n FROM w
WHERE listed_open AND NOT in_section_3
GROUP BY ALL
UNION ALL
SELECT section, ended, count(*) FROM w
WHERE NOT listed AND start + INTERVAL 3 MONTH <= DATE '{last_day}'
    AND (end_date IS NULL OR end_date > start + INTERVAL 3 MONTH)
GROUP BY ALL
"""


def ivo(
    directory: Path, municipality: Any, *, quarter_of: tuple[int, int] = QUARTER, as_of: datetime.date = AS_OF
) -> dict[str, Any]:
    import duckdb

    from apps.decisions.computation import compute_report
    from lib.quarters import Quarter

    quarter = Quarter(*quarter_of)

    def app() -> Counter[tuple[int, bool]]:
        return Counter((int(c.row.section), c.row.closed) for c in compute_report(municipality, quarter, as_of))

    sql = IVO_SQL.format(
        dir=directory,
        municipality=municipality.pk,
        as_of=as_of,
        last_day=quarter.last_day,
        quarter_index=quarter.year * 4 + quarter.number,
    )

    def reference() -> Counter[tuple[int, bool]]:
        counts: Counter[tuple[int, bool]] = Counter()
        for section, closed, n in duckdb.execute(sql).fetchall():
            counts[(section, closed)] += n
        return counts

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
    """The application's raw tables (as stored in a delivery) back to (table, value, gender) →
    count, and the table keys (every count is compared: these are the counts before anything leaves
    the municipality)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for key, table in tables.items():
        for value, row in zip(table["rows"], table["cells"], strict=True):
            for gender, cell in zip(table["columns"], row, strict=True):
                if cell:
                    counts[(key, value, gender)] = cell
    return counts, set(tables)


def freeze_deliveries(units: list[Any]) -> float:
    """Every executor's full year 2025 frozen as `delivery_submit` freezes it (`raw_delivery`), once,
    kept with the data set; not timed, like the Parquet export. Frozen directly rather than through
    the service: each submission would release the förbund's periods, whose disclosure decisions
    took 450 of 502 s when the service submitted them (see the README), and the release is not
    what is timed. Returns the seconds it took (0 when the data set had them)."""
    from django.db import transaction
    from django.utils import timezone

    from apps.activera.models import Delivery, DeliveryKind
    from apps.activera.releases import raw_delivery

    have = set(
        Delivery.objects.filter(kind=DeliveryKind.ANNUAL, year=YEAR_START.year).values_list(
            "programme_unit_id", flat=True
        )
    )
    started = time.perf_counter()
    for unit in units:
        if unit.pk in have:
            continue
        with transaction.atomic():
            raw = raw_delivery(unit, DeliveryKind.ANNUAL, YEAR_START.year, 0)
            raw["unprotected"], raw["narrative"] = [], ""
            Delivery.objects.create(
                programme_unit=unit,
                kind=DeliveryKind.ANNUAL,
                year=YEAR_START.year,
                period=0,
                content={},
                raw=raw,
                submitted_at=timezone.now(),
            )
    return time.perf_counter() - started


def compare_with_reference(directory: Path, units: list[Any], tables: dict[str, Any], label: str) -> tuple[float, int]:
    """DuckDB's counts from scratch against the application's; stops if they differ. Returns
    DuckDB's time and the active participants."""
    ref_ms, reference = timed(lambda: activera_reference(directory, [u.pk for u in units]))
    app_counts, complete = activera_app_counts(tables)
    # The tables the reference computes; the application's others (activity occasions) have no twin.
    app_counts = Counter({k: n for k, n in app_counts.items() if k[0] in {"participants", *VARIABLES}})
    compared = set(app_counts) | {k for k in reference if k[0] in complete}
    differing = {k: (app_counts.get(k), reference.get(k)) for k in compared if app_counts.get(k) != reference.get(k)}
    if differing:
        raise SystemExit(f"ACTivera figures differ for {label}: {sorted(differing.items())[:10]}")
    active = sum(n for (key, value, _g), n in app_counts.items() if key == "participants" and value == "active")
    return ref_ms, active


def activera_summed(directory: Path, units: list[Any], label: str) -> dict[str, Any]:
    """The statistics of many executors as the application makes them: the sum of their frozen
    deliveries (`sum_raw`, what a förbund's release stores), read from the database and added."""
    from apps.activera.models import Delivery, DeliveryKind
    from apps.activera.releases import sum_raw

    def summed() -> dict[str, Any]:
        raws = list(
            Delivery.objects.filter(
                programme_unit__in=units, kind=DeliveryKind.ANNUAL, year=YEAR_START.year
            ).values_list("raw", flat=True)
        )
        if len(raws) != len(units):
            raise SystemExit(f"{label}: {len(raws)} deliveries for {len(units)} executors")
        return sum_raw(raws)

    app_ms, total = timed(summed)
    ref_ms, active = compare_with_reference(directory, units, total["tables"], label)
    return {"app_ms": round(app_ms, 1), "duckdb_ms": round(ref_ms, 1), "active_participants": active}


def activera_recomputed(directory: Path, units: list[Any], label: str) -> dict[str, Any]:
    """One executor's year computed from its enrolments: what freezing its delivery costs."""
    from apps.activera.reports import period_tables

    app_ms, figures = timed(lambda: period_tables(units, YEAR_START, YEAR_END))
    tables = figures.as_json()["tables"]
    ref_ms, active = compare_with_reference(directory, units, tables, label)
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
    from lib.collector import threshold_from_env, tune_collector

    tune_collector(threshold_from_env(), freeze=True)  # as every web worker does (insyn/wsgi.py)
    from django.db.models import Count

    from apps.activera.models import Enrolment, ProgrammeUnit
    from apps.decisions.models import QuarterlyReport, ReportStatus
    from apps.organisations.models import Organisation

    by_size = list(
        Organisation.objects.filter(kind="municipality").annotate(n=Count("decisions")).order_by("-n", "slug")
    )
    # The typical report is of a municipality that submitted HISTORY_QUARTER (nine in ten did).
    submitted = set(
        QuarterlyReport.objects.filter(
            year=HISTORY_QUARTER[0], quarter=HISTORY_QUARTER[1], status=ReportStatus.SUBMITTED
        ).values_list("municipality_id", flat=True)
    )
    with_history = [m for m in by_size if m.pk in submitted]
    largest, median = with_history[0], with_history[len(with_history) // 2]
    if largest != by_size[0]:
        raise SystemExit("the data set's largest municipality has no submitted report to reuse")
    units = list(ProgrammeUnit.objects.select_related("programme"))
    forbund_of = {u.pk: u.programme.forbund_id for u in units}
    biggest_forbund = Counter(forbund_of.values()).most_common(1)[0][0]
    forbund_units = [u for u in units if forbund_of[u.pk] == biggest_forbund]
    sizes = Counter(Enrolment.objects.values_list("programme_unit_id", flat=True))
    largest_unit = max(units, key=lambda u: (sizes[u.pk], -u.pk))

    results: dict[str, Any] = {
        "scale": args.scale,
        "generated": generated,
        "parquet_export_s": round(export_seconds, 1),
    }
    results["ivo_median_municipality"] = {"decisions": median.n, **ivo(directory, median)}
    results["ivo_largest_municipality"] = {"decisions": largest.n, **ivo(directory, largest)}
    results["ivo_median_first"] = {
        "decisions": median.n,
        **ivo(directory, median, quarter_of=FIRST_QUARTER, as_of=FIRST_AS_OF),
    }
    results["ivo_largest_first"] = {
        "decisions": largest.n,
        **ivo(directory, largest, quarter_of=FIRST_QUARTER, as_of=FIRST_AS_OF),
    }
    if args.only_ivo:
        for key in ("ivo_median_municipality", "ivo_largest_municipality", "ivo_median_first", "ivo_largest_first"):
            print(f"{key:28} {results[key]}")
        return
    results["deliveries_frozen_s"] = round(freeze_deliveries(units), 1)
    results["activera_year_forbund"] = {
        "units": len(forbund_units),
        **activera_summed(directory, forbund_units, "förbund"),
    }
    results["activera_year_country"] = {"units": len(units), **activera_summed(directory, units, "country")}
    results["activera_year_largest_unit"] = {"units": 1, **activera_recomputed(directory, [largest_unit], "unit")}
    for key in ("activera_year_forbund", "activera_year_country", "activera_year_largest_unit"):
        part = results[key]
        part["ratio"] = round(part["app_ms"] / part["duckdb_ms"], 1)
    save("reports", results)
    for key, value in results.items():
        print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
