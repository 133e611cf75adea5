"""Time and profile one page in-process on the national data set, with the production settings and
the load benchmark's logged-in caseworker: its queries (count, database time, the slowest five), the
mean time per request over 20 requests, and a cProfile of 20 more. Where a page's time goes before
it is measured under load (bench/load_bench.py); needs `bench/generate.py` to have run.

    .venv/bin/python bench/profile_page.py /deltagare/ [--lines 40] [--save page.html]

`PARTICIPANT` in the path is replaced by the code of the load benchmark's participant, `REPORT` by
its quarterly report's id (with `--registrar`, to be the registrar who may read it).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import INSYN, PG_SERVER
from bench.load_bench import DATABASE, HOST, production_env

REQUESTS = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--lines", type=int, default=40, help="profile lines to print (0: none)")
    parser.add_argument("--save", type=Path, help="write the page's HTML here (to compare before and after)")
    parser.add_argument("--registrar", action="store_true", help="as the load benchmark's registrar (report pages)")
    args = parser.parse_args()
    env = production_env(f"{PG_SERVER}/{DATABASE}")
    subprocess.run([INSYN, "collectstatic", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)

    import django

    django.setup()
    from lib.collector import threshold_from_env, tune_collector

    tune_collector(threshold_from_env(), freeze=True)  # as every web worker does (insyn/wsgi.py)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import load_setup

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        load_setup.main()
    setup = json.loads(printed.getvalue())
    # The load benchmark's host, over HTTPS as the proxy would say, so production settings apply unchanged.
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    client.cookies["sessionid"] = setup["report_sessions" if args.registrar else "sessions"][0]
    path = args.path.replace("PARTICIPANT", setup["participant"]).replace("REPORT", str(setup["report"]))

    response = client.get(path, secure=True)
    print(f"{path}: {response.status_code}, {len(response.content)} bytes")
    if args.save:
        args.save.write_bytes(response.content)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, secure=True)
    seconds = sum(float(query["time"]) for query in queries.captured_queries)
    print(f"{len(queries.captured_queries)} queries, {seconds * 1000:.1f} ms in the database; the slowest:")
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
        print(f"  {float(query['time']) * 1000:5.1f} ms  {query['sql'][:160]}")
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(path, secure=True)
    print(f"{(time.perf_counter() - started) / REQUESTS * 1000:.1f} ms per request (mean of {REQUESTS})")
    if args.lines:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(REQUESTS):
            client.get(path, secure=True)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.lines)


if __name__ == "__main__":
    main()
