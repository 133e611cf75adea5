"""`make bench`: every benchmark in turn on PostgreSQL, then the table of results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# The data set first (reused when a complete one of the same scale and seed is there), then each benchmark.
BENCHMARKS = ["generate.py --reuse", "import_bench.py", "reports_bench.py", "load_bench.py"]


def main() -> None:
    for script in BENCHMARKS:
        print(f"== {script}", flush=True)
        name, *arguments = script.split()
        subprocess.run([sys.executable, str(BENCH / name), *arguments], check=True)
    print("\n== Results (bench/results/*.json)")
    for path in sorted((BENCH / "results").glob("*.json")):
        data = json.loads(path.read_text())
        machine = data.pop("machine")
        where = f"{machine['cores']} cores, {machine['cpu']}, PostgreSQL {machine['postgresql']}"
        print(f"{path.stem}: {machine['date']}, {where}")
        for key, value in data.items():
            print(f"  {key:42} {value}")


if __name__ == "__main__":
    main()
