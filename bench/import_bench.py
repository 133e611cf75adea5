"""Benchmark 2: `insyn decisions import` of a register with full validation, against PostgreSQL's
COPY of the same file into a bare table (the ceiling), and the importer's peak memory for a small
and a large file (streaming means it should not grow with the file). The same file imported a
second time measures the update path, a municipality re-sending its whole register.

    .venv/bin/python bench/import_bench.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORK, fresh_database, insyn, save
from lib.identity_numbers import LegalSex, fictional_number

HEADER = "referens;personnummer;beslutsdatum;insats;lagrum;verkstalld;avbrott;aterupptagen;avslutad;avslutsorsak;skal"
TYPES = ["Kontaktfamilj", "Kontaktperson", "Boendestöd", "Daglig sysselsättning"]
END_REASONS = ["Behovet har upphört", "Flyttat", "Ansökan återkallad"]


def write_register(path: Path, rows: int, *, seed: int) -> None:
    """A register as a municipality's case system would export it: about a third of the people
    have more than one decision; most decisions are executed, some interrupted or ended."""
    rng = random.Random(seed)
    people = [
        fictional_number(
            datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 65)),
            serial=rng.randrange(0, 100),
            legal_sex=rng.choice([LegalSex.FEMALE, LegalSex.MALE]),
        )
        for _ in range(max(1, rows * 2 // 3))
    ]
    with path.open("w", encoding="utf-8") as handle:
        handle.write("\ufeff" + HEADER + "\n")
        for index in range(rows):
            decided = datetime.date(2021, 1, 4) + datetime.timedelta(days=rng.randrange(0, 1400))
            executed = interrupted = resumed = ended = reason = ""
            draw = rng.random()
            if draw < 0.7:
                executed = (decided + datetime.timedelta(days=rng.randrange(5, 150))).isoformat()
                if draw < 0.15:
                    interrupted = (datetime.date.fromisoformat(executed) + datetime.timedelta(days=30)).isoformat()
                    resumed = (datetime.date.fromisoformat(interrupted) + datetime.timedelta(days=20)).isoformat()
                elif draw < 0.35:
                    ended = (datetime.date.fromisoformat(executed) + datetime.timedelta(days=200)).isoformat()
                    reason = rng.choice(END_REASONS)
            note = "Plats saknas" if not executed and rng.random() < 0.5 else ""
            handle.write(
                f"{decided.year}.{index:07d} SN;{rng.choice(people)};{decided.isoformat()};{rng.choice(TYPES)};"
                f"4 kap. 1 § SoL;{executed};{interrupted};{resumed};{ended};{reason};{note}\n"
            )


def copy_ceiling(database_url: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        columns = ", ".join(f"{name} text" for name in HEADER.split(";"))
        connection.execute(f"CREATE TABLE bare_register ({columns})")
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY bare_register FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'UTF8')"
            ) as copy,
            path.open("rb") as handle,
        ):
            handle.read(3)  # the BOM
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        count = connection.execute("SELECT count(*) FROM bare_register").fetchone()
        assert count is not None
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small-rows", type=int, default=10_000)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    large, small = WORK / f"register-{args.rows}.csv", WORK / f"register-{args.small_rows}.csv"
    write_register(large, args.rows, seed=1)
    write_register(small, args.small_rows, seed=2)

    database_url = fresh_database("insyn_bench_import")
    insyn("migrate", "--noinput", database_url=database_url)
    insyn("org", "load", "insjoriket", database_url=database_url)
    small_run = insyn("decisions", "import", "--municipality", "lerum", str(small), database_url=database_url)
    large_run = insyn("decisions", "import", "--municipality", "alingsas", str(large), database_url=database_url)
    assert f"{args.rows} beslut lades till" in large_run.stdout, large_run.stdout
    # A municipality re-sends its whole register: every row an update of a known reference.
    again = insyn("decisions", "import", "--municipality", "alingsas", str(large), database_url=database_url)
    assert f"0 beslut lades till, {args.rows} uppdaterades" in again.stdout, again.stdout[:200]
    # The whole command, start-up included (about a second of Django and migrations check).
    startup = insyn("check", database_url=database_url)
    copy_seconds = copy_ceiling(database_url, large)

    import_rate = args.rows / large_run.seconds
    import_rate_net = args.rows / max(0.001, large_run.seconds - startup.seconds)
    reimport_rate = args.rows / again.seconds
    copy_rate = args.rows / copy_seconds
    results = {
        "rows": args.rows,
        "file_mb": round(large.stat().st_size / 1e6, 1),
        "import_seconds": round(large_run.seconds, 2),
        "import_rows_per_second": round(import_rate),
        "import_rows_per_second_without_startup": round(import_rate_net),
        "reimport_seconds": round(again.seconds, 2),
        "reimport_rows_per_second": round(reimport_rate),
        "copy_seconds": round(copy_seconds, 3),
        "copy_rows_per_second": round(copy_rate),
        "ratio_import_to_copy": round(large_run.seconds / copy_seconds, 1),
        "peak_rss_mb_small": round(small_run.peak_rss_mb),
        "peak_rss_mb_large": round(large_run.peak_rss_mb),
        "small_rows": args.small_rows,
    }
    save("import", results)
    print(f"Import of {args.rows} rows ({results['file_mb']} MB) with full validation")
    print(f"  insyn decisions import : {large_run.seconds:8.2f} s  {import_rate:10,.0f} rows/s")
    print(f"    without start-up     : {import_rate_net:21,.0f} rows/s")
    print(f"  the same file again    : {again.seconds:8.2f} s  {reimport_rate:10,.0f} rows/s (updates)")
    print(f"  COPY into a bare table : {copy_seconds:8.2f} s  {copy_rate:10,.0f} rows/s")
    print(f"  ratio import / COPY    : {results['ratio_import_to_copy']:8.1f} ×   (target ≤ 30 ×, ≥ 20 000 rows/s)")
    print(
        f"  peak memory            : {small_run.peak_rss_mb:6.0f} MB for {args.small_rows} rows, "
        f"{large_run.peak_rss_mb:6.0f} MB for {args.rows} rows"
    )


if __name__ == "__main__":
    main()
