"""The national data set: 290 municipalities in 80 förbund over 10 years, reproducibly from a seed.

At scale 1 (the default): 1 000 000 favourable decisions with their events, 500 000 participants
with referrals and enrolments, 3 000 000 progression answers, 2 000 000 activities and 200 000
anonymous violence questionnaires (as the tallies the application keeps). Everything goes through
the application's own bulk write path (`apps.core.bulk.bulk_insert`: COPY on PostgreSQL), one
municipality per transaction, and the script prints how long each part took.

    .venv/bin/python bench/generate.py [--scale 1.0] [--seed 2026] [--database insyn_bench]

Identity numbers are fictional (`lib.identity_numbers.fictional_number`), encrypted and hashed
exactly as the registry does it. No audit rows are written for the loaded history: it is not work
done by a user (an import writes them; the import benchmark measures that). Last, the IVO report of
the second quarter of 2026 is submitted through the services for nine municipalities in ten, dated
2026-07-20, so that the next quarter's report is a typical one (their submissions write their audit
rows). Decisions and events are registered on the day they are dated.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import string
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import INSYN, PG_SERVER, WORK, fresh_database, psql, save
from bench.dataset import (
    DECISIONS,
    FIRST_DAY,
    FORBUND,
    MARKER,
    MUNICIPALITIES,
    PARTICIPANTS,
    QUESTIONNAIRES,
    TODAY,
    day,
    plus,
    populations,
    share,
)
from bench.dataset_participants import ParticipantRows

# The quarter whose IVO report the data set has submitted (bench/reports_bench.py reports the next).
HISTORY_QUARTER = (2026, 2)
HISTORY_AS_OF = datetime.date(2026, 7, 15)
HISTORY_SUBMITTED_AT = datetime.datetime(2026, 7, 20, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def registered(date: datetime.date) -> datetime.datetime:
    """Decisions and events are registered on the day they are dated (what a later report, reusing
    the submitted one, looks at: what was registered since)."""
    return datetime.datetime.combine(date, datetime.time(10, 0), tzinfo=ZoneInfo("Europe/Stockholm"))


class Generator(ParticipantRows):
    # --- the tree ------------------------------------------------------------------------

    def organisations(self) -> list[dict[str, Any]]:
        from apps.organisations.models import Organisation, OrganisationKind

        rng = self.rng
        forbund_ids = self.insert(
            Organisation,
            (
                {"slug": f"forbund-{i:02d}", "name": f"Samordningsförbund {i:02d}", "kind": "forbund"}
                for i in range(1, FORBUND + 1)
            ),
            fields=["slug", "name", "kind"],
        )
        prefixes = rng.sample(
            sorted({a + b + c for a in string.ascii_uppercase for b in string.ascii_uppercase for c in "ABCDEFGHIJ"}),
            MUNICIPALITIES,
        )
        pops = populations(rng)
        # Every förbund has at least one member; the rest are spread at random.
        owner = list(range(FORBUND)) + [rng.randrange(FORBUND) for _ in range(MUNICIPALITIES - FORBUND)]
        rng.shuffle(owner)
        municipalities = [
            {
                "slug": f"kommun-{i:03d}",
                "name": f"Kommun {i:03d}",
                "kind": OrganisationKind.MUNICIPALITY.value,
                "parent_id": forbund_ids[owner[i]],
                "code_prefix": prefixes[i],
                "population": pops[i],
            }
            for i in range(MUNICIPALITIES)
        ]
        ids = self.insert(
            Organisation, municipalities, fields=["slug", "name", "kind", "parent_id", "code_prefix", "population"]
        )
        for municipality, pk in zip(municipalities, ids, strict=True):
            municipality["id"] = pk
        for kind, suffix, label in (
            (OrganisationKind.SOCIAL_COMMITTEE, "socialnamnd", "Socialnämnden"),
            (OrganisationKind.EXECUTOR_UNIT, "activera", "ACTivera"),
        ):
            unit_ids = self.insert(
                Organisation,
                (
                    {
                        "slug": f"{m['slug']}-{suffix}",
                        "name": f"{label} {m['name']}",
                        "kind": kind.value,
                        "parent_id": m["id"],
                    }
                    for m in municipalities
                ),
                fields=["slug", "name", "kind", "parent_id"],
            )
            for municipality, pk in zip(municipalities, unit_ids, strict=True):
                municipality[suffix] = pk
        for municipality in municipalities:
            municipality["forbund_id"] = municipality["parent_id"]
        return municipalities

    def programmes(self, municipalities: list[dict[str, Any]]) -> None:
        """One ACTivera programme per förbund, with the seed's indicators, activity types and
        violence questions, and one programme unit per member municipality."""
        from apps.activera.models import ActivityType, Indicator, Programme, ProgrammeUnit

        data = json.loads((Path(__file__).resolve().parent.parent / "apps/activera/data/insjoriket.json").read_text())
        forbund_ids = sorted({m["forbund_id"] for m in municipalities})
        programme_ids = self.insert(
            Programme,
            (
                {
                    "forbund_id": f,
                    "slug": f"activera-{i:02d}",
                    "name": data["name"],
                    "eligibility_criteria": data["eligibility_criteria"],
                    "violence_questions": data["violence_questions"],
                    **data["rules"],
                }
                for i, f in enumerate(forbund_ids, start=1)
            ),
            fields=["forbund_id", "slug", "name", "eligibility_criteria", "violence_questions", *data["rules"]],
        )
        by_forbund = dict(zip(forbund_ids, programme_ids, strict=True))
        self.indicators: dict[int, list[int]] = {}
        self.activity_types: dict[int, list[int]] = {}
        for programme in programme_ids:
            self.indicators[programme] = self.insert(
                Indicator,
                (
                    {"programme_id": programme, "position": p, **item}
                    for p, item in enumerate(data["indicators"], start=1)
                ),
                fields=["programme_id", "position", "code", "label", "respondent"],
            )
            self.activity_types[programme] = self.insert(
                ActivityType,
                ({"programme_id": programme, **item} for item in data["activity_types"]),
                fields=["programme_id", "code", "label"],
            )
        self.questions = [q["code"] for q in data["violence_questions"]]
        for municipality in municipalities:
            municipality["programme_id"] = by_forbund[municipality["forbund_id"]]
        unit_ids = self.insert(
            ProgrammeUnit,
            (
                {
                    "programme_id": m["programme_id"],
                    "unit_id": m["activera"],
                    "places": max(5, m["population"] // 2500),
                    "period_start": FIRST_DAY,
                    "period_end": datetime.date(2027, 12, 31),
                }
                for m in municipalities
            ),
            fields=["programme_id", "unit_id", "places", "period_start", "period_end"],
        )
        for municipality, pk in zip(municipalities, unit_ids, strict=True):
            municipality["programme_unit_id"] = pk

    # --- people ----------------------------------------------------------------------------

    def decision_reference_data(self) -> None:
        from apps.decisions.models import DecisionType, LegalBasisKind

        self.type_bases = [
            (t.pk, [(b.pk, b.valid_from, b.valid_to) for b in t.legal_bases.all() if b.kind == LegalBasisKind.DECISION])
            for t in DecisionType.objects.prefetch_related("legal_bases")
        ]
        self.type_bases = [(t, bases) for t, bases in self.type_bases if bases]

    def basis_on(self, bases: list[tuple[int, datetime.date, datetime.date | None]], date: datetime.date) -> int | None:
        for pk, valid_from, valid_to in bases:
            if valid_from <= date and (valid_to is None or date <= valid_to):
                return pk
        return None

    def events_for(self, decided: datetime.date) -> list[tuple[str, datetime.date, str]]:
        """Most decisions are executed within weeks, some late; some end unexecuted, some are
        interrupted and resumed; the newest may still wait."""
        rng = self.rng
        events: list[tuple[str, datetime.date, str]] = []
        draw = rng.random()
        if draw < 0.07:
            events.append(
                ("ended", plus(decided, rng.randrange(10, 200)), rng.choice(["behov_upphort", "flyttat", "aterkallad"]))
            )
        else:
            late = rng.random() < 0.15
            executed = plus(decided, rng.randrange(91, 300) if late else rng.randrange(1, 60))
            if draw < 0.10:
                events.append(("partly_executed", plus(decided, rng.randrange(1, 30)), ""))
                executed = plus(executed, 30)
            events.append(("executed", executed, ""))
            if rng.random() < 0.08:
                interrupted = plus(executed, rng.randrange(30, 300))
                events.append(("interrupted", interrupted, ""))
                if rng.random() < 0.7:
                    events.append(("resumed", plus(interrupted, rng.randrange(10, 150)), ""))
        return [e for e in events if e[1] <= TODAY]

    def decisions(self, municipality: dict[str, Any], count: int, codes: set[str]) -> None:
        from apps.decisions.models import Decision, DecisionEvent

        if not count:
            return
        rng = self.rng
        people = self.people(municipality, max(1, count // 2), codes)
        rows, planned = [], []
        for index in range(count):
            decided = day(rng)
            type_id, bases = rng.choice(self.type_bases)
            basis = self.basis_on(bases, decided)
            while basis is None:
                type_id, bases = rng.choice(self.type_bases)
                basis = self.basis_on(bases, decided)
            rows.append(
                {
                    "municipality_id": municipality["id"],
                    "reference": f"{decided.year}.{index:06d} SN",
                    "person_id": rng.choice(people)[0],
                    "decision_date": decided,
                    "decision_type_id": type_id,
                    "legal_basis_id": basis,
                    "caseworker": "",
                    "created_at": registered(decided),
                    "updated_at": registered(decided),
                }
            )
            planned.append(self.events_for(decided))
        ids = self.insert(Decision, rows, fields=list(rows[0]))
        self.insert(
            DecisionEvent,
            (
                {"decision_id": pk, "kind": kind, "date": date, "end_reason": reason, "recorded_at": registered(date)}
                for pk, events in zip(ids, planned, strict=True)
                for kind, date, reason in events
            ),
            fields=["decision_id", "kind", "date", "end_reason", "recorded_at"],
        )

    # --- the run ---------------------------------------------------------------------------

    def history(self) -> None:
        """The IVO report of HISTORY_QUARTER submitted for every municipality but every tenth,
        through the services as a registrar submits it: the next quarter's report is then a
        typical one, reusing it; a report for HISTORY_QUARTER itself, or any for the municipalities
        left out, is a first report (ten years of waits)."""
        from apps.decisions.models import ReportRow
        from apps.decisions.services import report_prepare, report_submit
        from apps.organisations.models import Organisation
        from lib.quarters import Quarter

        quarter = Quarter(*HISTORY_QUARTER)
        municipalities = Organisation.objects.filter(kind="municipality").order_by("slug")
        for index, municipality in enumerate(municipalities):
            if index % 10 == 9:
                continue
            draft = report_prepare(
                actor=None, municipality=municipality, quarter=quarter, as_of=HISTORY_AS_OF, today=TODAY
            )
            report = report_submit(actor=None, report=draft, submitted_at=HISTORY_SUBMITTED_AT)
            self.counts.add("decisions_quarterlyreport", 1)
            self.counts.add(ReportRow._meta.db_table, report.rows.count())
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE decisions_reportrow")

    def timed(self, name: str, started: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    def run(self) -> dict[str, Any]:
        from django.db import connection, transaction

        started = time.perf_counter()
        with transaction.atomic():
            municipalities = self.organisations()
            self.programmes(municipalities)
            self.decision_reference_data()
        self.timed("organisations and programmes", started)
        weights = [m["population"] for m in municipalities]
        decisions = share(self.n(DECISIONS), weights)
        participants = share(self.n(PARTICIPANTS), weights)
        questionnaires = share(self.n(QUESTIONNAIRES), weights)
        codes: set[str] = set()
        receipts: set[str] = set()
        for index, municipality in enumerate(municipalities):
            with transaction.atomic():
                step = time.perf_counter()
                self.decisions(municipality, decisions[index], codes)
                self.timed("decisions", step)
                step = time.perf_counter()
                self.participants(municipality, participants[index], codes, receipts)
                self.violence(municipality, questionnaires[index])
                self.timed("participants", step)
            if index % 29 == 28:
                print(
                    f"  {index + 1} of {MUNICIPALITIES} municipalities, {time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.timed("analyze", step)
        step = time.perf_counter()
        self.history()
        self.timed("submitted reports", step)
        # As autovacuum would have by then: index-only scans need the visibility map.
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.timed("vacuum", step)
        seconds = time.perf_counter() - started
        rows = sum(self.counts.rows.values())
        return {
            "seconds": round(seconds, 1),
            "rows": rows,
            "rows_per_second": round(rows / seconds),
            "tables": self.counts.rows,
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
        }


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def ensure(*, scale: float, seed: int, database: str) -> dict[str, Any]:
    """The data set in `database`, generated unless a complete one with the same scale and seed is there."""
    import subprocess

    try:
        found = psql(database, f"SELECT value FROM {MARKER}")
    except subprocess.CalledProcessError:  # no such database or table yet
        found = ""
    if found == _marker(scale, seed):
        return {"reused": True}
    return generate(scale=scale, seed=seed, database=database)


# Raised whenever the generator changes what it writes, so an older data set is not reused.
GENERATOR_VERSION = 4


def _marker(scale: float, seed: int) -> str:
    return json.dumps({"scale": scale, "seed": seed, "version": GENERATOR_VERSION})


def generate(*, scale: float, seed: int, database: str) -> dict[str, Any]:
    import subprocess

    url = fresh_database(database)
    env = {**os.environ, "DATABASE_URL": url, "INSYN_VAR_DIR": str(WORK / "var"), "INSYN_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    subprocess.run([INSYN, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)
    migrate_seconds = time.perf_counter() - started
    result = subprocess.run(
        [sys.executable, __file__, "--in-process", "--scale", str(scale), "--seed", str(seed)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    summary["migrate_seconds"] = round(migrate_seconds, 1)
    psql(database, f"CREATE TABLE {MARKER} (value text); INSERT INTO {MARKER} VALUES ('{_marker(scale, seed)}')")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("INSYN_BENCH_SCALE", "1.0")))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default="insyn_bench")
    parser.add_argument("--reuse", action="store_true", help="keep a complete data set of the same scale and seed")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
        generator = Generator(scale=args.scale, seed=args.seed)
        summary = generator.run()
        print(json.dumps(summary, default=str))
        return
    if args.reuse:
        summary = ensure(scale=args.scale, seed=args.seed, database=args.database)
    else:
        summary = generate(scale=args.scale, seed=args.seed, database=args.database)
    if not summary.get("reused"):
        save("generate", summary)
    print(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
