"""`make bench`: every benchmark in turn on PostgreSQL, then the table of results (printed and written
into bench/README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench import table  # noqa: E402

# The data set first (reused when a complete one of the same scale and seed is there), then each benchmark.
BENCHMARKS = ["generate.py --reuse", "import_bench.py", "reports_bench.py", "load_bench.py", "yearend_bench.py"]


def main() -> None:
    for script in BENCHMARKS:
        print(f"== {script}", flush=True)
        name, *arguments = script.split()
        subprocess.run([sys.executable, str(BENCH / name), *arguments], check=True)
    print("\n== Results (bench/results/*.json, also written into bench/README.md)\n")
    rendered = table.render()
    print(rendered, end="")
    table.write_readme(rendered)


if __name__ == "__main__":
    main()
