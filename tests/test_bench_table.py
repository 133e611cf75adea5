"""The benchmark results table: the README shows exactly the committed figures, and each target's
verdict follows from the numbers (the benchmarks themselves are run by `make bench`, not here)."""

import json
from pathlib import Path

from bench import table

MACHINE = {"cpu": "Test CPU", "cores": "2", "python": "3.11", "postgresql": "15", "date": "2026-11-22"}


def _page(per_second: float, share: float, users_p95: float) -> dict:
    return {
        "requests": 100,
        "seconds": 2.0,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "p99_ms": 30.0,
        "errors": 0,
        "per_second": per_second,
        "share_of_ceiling": share,
        "users": {"per_second": 18.0, "p50_ms": 20.0, "p95_ms": users_p95, "p99_ms": 200.0, "errors": 0},
    }


def _write(results: Path, name: str, data: dict) -> None:
    (results / f"{name}.json").write_text(json.dumps({"machine": MACHINE, **data}))


def test_the_readme_shows_the_committed_results() -> None:
    readme = table.README.read_text()
    between = readme[readme.index(table.BEGIN) + len(table.BEGIN) : readme.index(table.END)]
    assert between.strip() == table.render().strip()


def test_it_marks_each_target_met_or_missed_from_the_figures(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "reports",
        {
            "ivo_median_municipality": {"decisions": 1000, "app_ms": 40.0, "duckdb_ms": 10.0, "rows": 100},
            "ivo_largest_municipality": {"decisions": 9000, "app_ms": 400.0, "duckdb_ms": 20.0, "rows": 900},
            "ivo_median_first": {"decisions": 1000, "app_ms": 150.0, "duckdb_ms": 10.0, "rows": 300},
            "activera_year_forbund": {"units": 8, "app_ms": 5.0, "duckdb_ms": 10.0, "active_participants": 10},
            "activera_year_country": {"units": 290, "app_ms": 90.0, "duckdb_ms": 10.0, "active_participants": 99},
        },
    )
    _write(
        tmp_path,
        "load",
        {
            "scale": 1.0,
            "workers": 4,
            "threads": 8,
            "connections": 20,
            "seconds_each": 10,
            "municipality": "kommun-000",
            "report_rows": 5,
            "trivial view (ceiling)": {"per_second": 100.0, "p95_ms": 50.0, "errors": 0},
            "decision list": _page(per_second=50.0, share=0.5, users_p95=120.0),
            "API people": _page(per_second=30.0, share=0.3, users_p95=180.0),
            "soak": {
                "requests": 10,
                "seconds": 600.0,
                "per_second": 20.0,
                "p95_ms": 90.0,
                "errors": 0,
                "workers_restarted": 0,
                "rss_before_mb": [100, 100],
                "rss_after_mb": [100, 115],
                "max_growth_percent": 15.0,
            },
        },
    )

    _write(
        tmp_path,
        "yearend",
        {
            "namnd": "Socialnämnden",
            "year": 2025,
            "docx_ms": 900.0,
            "docx_kb": 46.0,
            "pdf_ms": 2500.0,
            "pdf_kb": 62.0,
            "pdf_pages": 11,
        },
    )

    lines = table.render(tmp_path).splitlines()

    def row(start: str) -> str:
        return next(line for line in lines if line.startswith(start))

    assert row("| IVO quarterly report, median municipality, typical").endswith("| < 50 ms | **yes** |")
    assert row("| IVO quarterly report, largest municipality, typical").endswith("| < 200 ms | **no, 2.0× over** |")
    assert row("| IVO quarterly report, median municipality, first").endswith("| < 50 ms | **no, 3.0× over** |")
    # A case the results do not hold (an older run) is left out.
    assert not any(line.startswith("| IVO quarterly report, largest municipality, first") for line in lines)
    assert row("| ACTivera full year, whole country").endswith("| 9.0× | within 3× | **no, 3.0× over the target** |")
    assert row("| Decision list") == "| Decision list | 50 | 50 % | 20.0 ms | 20.0 ms | 120 ms | 0 |"
    assert (
        row("| API `/api/v1/people/`") == "| API `/api/v1/people/` | 30 | 30 % ✗ | 20.0 ms | 20.0 ms | 180 ms ✗ | 0 |"
    )
    assert row("| Caseworkers' own pages").endswith("| 15.0 % **no** |")
    assert row("| Årsbokslut 2025, Socialnämnden, DOCX").endswith("| < 2 000 ms | **yes** |")
    assert row("| Årsbokslut 2025, Socialnämnden, PDF").endswith("| < 2 000 ms | **no, 1.2× over** |")
    # A benchmark that has not been run leaves its section out rather than showing old or empty figures.
    assert not any(line.startswith("### 2. Import") for line in lines)
