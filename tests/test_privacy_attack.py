"""No hidden figure the förbund is shown can be worked out: an outsider's exact attack (integer
programming over every published figure, tests/privacy_attacker.py) against random scenarios run
through the same release decisions as the application, and against the demo data through the API.

INSYN_PRIVACY_SCENARIOS sets the number of random scenarios (default 1 000). The summary line
(scenarios, releases, hidden cells, cells determined) is printed with `pytest -s`.
"""

from __future__ import annotations

import datetime
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from apps.activera.figures import GENDERS, RawTable, Release, UnitPeriod, decide_releases
from apps.activera.presentation import build_content, cells_of
from tests.privacy_attacker import Published, attack

D = datetime.date
THRESHOLD = 5
SCALE_RANGE = 4
PARTIES = ["arbetsformedlingen", "forsakringskassan", "region", "kommun_socialtjanst", "egen_anmalan"]
EDUCATION = ["forgymnasial", "gymnasial", "eftergymnasial", "okand"]
EXIT_REASONS = ["genomford", "avbruten", "flyttat", "annat"]
OCCUPATION = ["arbete", "studier", "arbetssokande", "annat"]
ANSWERS = ["ja", "nej", "vill_inte_svara", "ej_besvarad"]
AGES = ["16_19", "20_24", "25_29", "30_39", "40_49", "50_64"]
ACTIVITIES = ["act", "halsa"]

PROGRAMME = SimpleNamespace(
    violence_questions=[{"code": q, "label": q} for q in ("psykiskt", "fysiskt", "sexuellt")],
    indicators=SimpleNamespace(all=lambda: []),
    activity_types=SimpleNamespace(all=lambda: []),
)


# --- Random histories -----------------------------------------------------------------------------


@dataclass
class Person:
    gender: str
    start: datetime.date
    exit: datetime.date | None
    party: str
    education: str
    reason: str
    occupation: str
    age: str = "25_29"
    activities: dict[str, list[datetime.date]] = field(default_factory=dict)


def _people(rng: random.Random, first_year: int, last_year: int) -> list[Person]:
    people = []
    for _ in range(rng.choice([0, 2, 4, 6, 9, 14])):
        start = D(first_year - 1, 9, 1) + datetime.timedelta(
            days=rng.randrange(0, 365 * (last_year - first_year + 1) + 120)
        )
        leaves = rng.random() < 0.75
        exit_date = start + datetime.timedelta(weeks=rng.randrange(6, 25)) if leaves else None
        people.append(
            Person(
                gender=rng.choices(GENDERS, weights=[6, 5, 1])[0],
                start=start,
                exit=exit_date,
                party=rng.choice(PARTIES),
                education=rng.choice(EDUCATION),
                reason=rng.choice(EXIT_REASONS),
                occupation=rng.choice([*OCCUPATION, ""]),
                age=rng.choice(AGES),
                activities={
                    kind: [start + datetime.timedelta(days=rng.randrange(0, 42)) for _ in range(rng.randrange(0, 4))]
                    for kind in ACTIVITIES
                },
            )
        )
    return people


def _period_tables(people: list[Person], start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The interim or full-year counts, by the definitions in docs/participants.md."""
    active = [p for p in people if p.start <= end and (p.exit is None or p.exit >= start)]
    new = [p for p in active if p.start >= start]
    exited = [p for p in active if p.exit is not None and p.exit <= end]

    def table(key: str, rows: list[str], group: list[Person], value: Any) -> RawTable:
        counts = Counter((value(p), p.gender) for p in group)
        return RawTable(key, rows, GENDERS, [[counts[(r, g)] for g in GENDERS] for r in rows])

    tables = {
        "participants": RawTable(
            "participants",
            ["active", "new", "exited"],
            GENDERS,
            [[sum(1 for p in group if p.gender == g) for g in GENDERS] for group in (active, new, exited)],
        ),
        "referring_party": table("referring_party", PARTIES, new, lambda p: p.party),
        "education": table("education", EDUCATION, new, lambda p: p.education),
        "exit_reason": table("exit_reason", EXIT_REASONS, exited, lambda p: p.reason),
        "occupation_after": table("occupation_after", OCCUPATION, exited, lambda p: p.occupation),
        "age_group": table("age_group", AGES, new, lambda p: p.age),
    }
    took: Counter[tuple[str, str]] = Counter()
    times: Counter[tuple[str, str]] = Counter()
    for p in active:
        for kind, days in p.activities.items():
            inside = [d for d in days if start <= d <= end and (p.exit is None or d <= p.exit)]
            times[(kind, p.gender)] += len(inside)
            took[(kind, p.gender)] += bool(inside)
    tables["activity_participants"] = RawTable(
        "activity_participants", ACTIVITIES, GENDERS, [[took[(k, g)] for g in GENDERS] for k in ACTIVITIES]
    )
    tables["activity_occasions"] = RawTable(
        "activity_occasions", ACTIVITIES, GENDERS, [[times[(k, g)] for g in GENDERS] for k in ACTIVITIES]
    )
    days: dict[str, dict[str, int]] = {}
    for p in exited:
        assert p.exit is not None
        key = str((p.exit - p.start).days)
        days.setdefault(p.gender, {})[key] = days.setdefault(p.gender, {}).get(key, 0) + 1
    return {
        "tables": {k: t.as_json() for k, t in tables.items()},
        "places": 80,
        "weekly_active": [len(active)],
        "days": days,
    }


def _tertial_tables(rng: random.Random) -> dict[str, Any]:
    forms = rng.choice([0, 1, 3, 6, 12, 25])
    violence = []
    for _question in PROGRAMME.violence_questions:
        row = [0, 0, 0, 0]
        for _ in range(forms):
            row[rng.choices(range(4), weights=[2, 10, 1, 1])[0]] += 1
        violence.append(row)
    measured, improved, change = [], [], []
    for _indicator in ("halsa", "vardag"):
        m_row, i_row, c_row = [], [], []
        for _gender in GENDERS:
            deltas = [rng.randint(-2, 3) for _ in range(rng.choice([0, 1, 3, 6, 10]))]
            m_row.append(len(deltas))
            i_row.append(sum(1 for d in deltas if d > 0))
            c_row.append(sum(deltas))
        measured.append(m_row)
        improved.append(i_row)
        change.append(c_row)
    indicators = ["halsa", "vardag"]
    questions = [q["code"] for q in PROGRAMME.violence_questions]
    tables = {
        "violence": RawTable("violence", questions, ANSWERS, violence),
        "progression_measured": RawTable("progression_measured", indicators, GENDERS, measured),
        "progression_improved": RawTable("progression_improved", indicators, GENDERS, improved),
        "progression_change": RawTable("progression_change", indicators, GENDERS, change),
    }
    return {"tables": {k: t.as_json() for k, t in tables.items()}}


def _monthly_tables(rng: random.Random) -> dict[str, Any]:
    cells = [[rng.choice([0, 0, 1, 2, 3, 6]) for _ in GENDERS] for _ in PARTIES]
    return {"tables": {"monthly_referrals": RawTable("monthly_referrals", PARTIES, GENDERS, cells).as_json()}}


# --- Releasing them as the application does --------------------------------------------------------


@dataclass
class Ledger:
    """What one förbund has released in one family of periods."""

    published: list[Release] = field(default_factory=list)
    unit_periods: list[UnitPeriod] = field(default_factory=list)
    views: dict[tuple[str, int, int], Published] = field(default_factory=dict)
    hidden_cells: int = 0
    releases: int = 0

    def release(
        self, period: tuple[str, int, int], raws: dict[int, dict[str, Any]], *, with_sum: bool, unprotected: set[int]
    ) -> None:
        kind, year, number = period
        new = []
        for unit, raw in raws.items():
            tables = {k: RawTable.from_json(t) for k, t in raw["tables"].items()}
            new.append(
                Release(
                    ("unit", unit, *period),
                    period,
                    (unit,),
                    tables,
                    unprotected=frozenset({"monthly_referrals"}) if unit in unprotected else frozenset(),
                )
            )
            self.unit_periods.append(UnitPeriod(unit, period, tables))
        total = None
        if with_sum:
            summed = {
                key: RawTable(
                    key,
                    first.rows,
                    first.columns,
                    [
                        [sum(r.tables[key].cells[i][j] for r in new) for j in range(len(first.columns))]
                        for i in range(len(first.rows))
                    ],
                )
                for key, first in new[0].tables.items()
            }
            total = Release(
                ("forbund", *period),
                period,
                tuple(sorted(raws)),
                summed,
                unprotected=frozenset.intersection(*(r.unprotected for r in new)),
                exact=frozenset({"violence"}) if kind == "tertial" else frozenset(),
            )
        hidden = decide_releases(
            published=self.published,
            unit_periods=self.unit_periods,
            new=new,
            total=total,
            threshold=THRESHOLD,
            scale_range=SCALE_RANGE,
        )
        view = self.views.setdefault(period, Published(kind, year, number, []))
        for release in [*new, *([total] if total else [])]:
            release.hidden = hidden[release.ident]
            self.published.append(release)
            self.hidden_cells += len(release.hidden)
            self.releases += 1
            raw: dict[str, Any] = {"tables": {k: t.as_json() for k, t in release.tables.items()}}
            if kind in ("interim", "annual"):
                raw.update({"places": 80, "weekly_active": [0], "days": {}})
            content = build_content(
                programme=PROGRAMME,  # type: ignore[arg-type]
                kind=kind,
                year=year,
                period=number,
                raw=raw,
                hidden=release.hidden,
                threshold=THRESHOLD,
                unprotected=release.unprotected,
                header={},
            )
            unit = None if release.ident[0] == "forbund" else f"u{release.units[0]}"
            view.cells += [{**cell, "unit": unit} for cell in cells_of(content)]
            if unit is None:
                view.sum_units = [f"u{u}" for u in release.units]


def _release_period(ledger: Ledger, rng: random.Random, period: tuple[str, int, int], raws: dict[int, Any]) -> None:
    """Everyone delivers at once, or the office closes the period over some and the rest come late."""
    unprotected = {u for u in raws if period[0] == "monthly" and rng.random() < 0.2}
    units = list(raws)
    if len(units) > 1 and rng.random() < 0.4:
        rng.shuffle(units)
        cut = rng.randrange(1, len(units))
        ledger.release(period, {u: raws[u] for u in units[:cut]}, with_sum=True, unprotected=unprotected)
        for late in units[cut:]:
            ledger.release(period, {late: raws[late]}, with_sum=False, unprotected=unprotected)
    else:
        ledger.release(period, raws, with_sum=True, unprotected=unprotected)


def _scenario(seed: int) -> Ledger:
    rng = random.Random(seed)
    units = list(range(1, rng.choice([1, 2, 2, 3, 3, 4, 5]) + 1))
    ledger = Ledger()
    family = rng.choice(["tertial", "monthly", "period"])
    if family == "tertial":
        _release_period(ledger, rng, ("tertial", 2026, 1), {u: _tertial_tables(rng) for u in units})
    elif family == "monthly":
        _release_period(ledger, rng, ("monthly", 2026, 3), {u: _monthly_tables(rng) for u in units})
    else:
        years = [2025] if rng.random() < 0.85 else [2025, 2026]
        people = {u: _people(rng, years[0], years[-1]) for u in units}
        for year in years:
            for kind, end in (("interim", D(year, 8, 31)), ("annual", D(year, 12, 31))):
                raws = {u: _period_tables(people[u], D(year, 1, 1), end) for u in units}
                _release_period(ledger, rng, (kind, year, 0), raws)
    return ledger


def _is_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def _run(seed: int) -> tuple[int, int, int, list[Any]]:
    try:
        ledger = _scenario(seed)
    except Exception as exc:  # reported with its seed below
        return 0, 0, 1, [f"scenario {seed}: {exc!r}"]
    findings = attack(ledger.views.values(), scale_range=SCALE_RANGE)
    return ledger.releases, ledger.hidden_cells, len(findings), findings[:3]


def _default_signals() -> None:
    # The pool stops its workers with SIGTERM: a handler inherited from the test process (an
    # in-process job worker's) would leave them waiting for ever.
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.skipif(_is_postgresql(), reason="pure computation, no database: the SQLite run covers it")
def test_no_hidden_figure_can_be_worked_out_in_random_scenarios():
    import multiprocessing

    scenarios = int(os.environ.get("INSYN_PRIVACY_SCENARIOS", "1000"))
    # Independent scenarios: one worker per core ("fork" keeps Django set up in the workers).
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1, initializer=_default_signals) as pool:
        results = pool.map(_run, range(scenarios), chunksize=8)
    releases = sum(r[0] for r in results)
    hidden = sum(r[1] for r in results)
    determined = sum(r[2] for r in results)
    failures = [(seed, r[3]) for seed, r in enumerate(results) if r[2]]
    print(
        f"\nprivacy attack: {scenarios} scenarios, {releases} releases, {hidden} hidden cells, {determined} determined"
    )
    assert not failures, failures[:5]


def test_the_attacker_finds_what_suppressing_each_table_by_itself_gives_away():
    """The attack is real: on the finding of issue 14 (each table suppressed by itself) it
    recovers the hidden count."""
    # Härryda's row: ja 1, nej 8 hidden; the förbund's sum and four municipalities shown.
    rows = {"u1": (7, 2), "u2": (7, 3), "u3": (10, 2), "u4": (5, 1), "u5": (8, 1)}
    cells = []
    for unit, (nej, ja) in rows.items():
        hide = unit == "u5"
        cells += [
            {"table": "violence", "row": "psykiskt", "column": "ja", "unit": unit, "value": None if hide else ja},
            {"table": "violence", "row": "psykiskt", "column": "nej", "unit": unit, "value": None if hide else nej},
            {"table": "violence", "row": "psykiskt", "column": "total", "unit": unit, "value": nej + ja},
        ]
    cells += [
        {"table": "violence", "row": "psykiskt", "column": "nej", "unit": None, "value": 37},
        {"table": "violence", "row": "psykiskt", "column": "ja", "unit": None, "value": None},
        {"table": "violence", "row": "psykiskt", "column": "total", "unit": None, "value": 46},
    ]
    findings = attack([Published("tertial", 2025, 3, cells, sum_units=list(rows))])
    assert {(f.label.split()[-1], f.low) for f in findings} >= {("psykiskt/ja", 1), ("psykiskt/nej", 8)}


def test_no_hidden_figure_of_the_demo_data_can_be_worked_out_through_the_api(db, settings):
    """The demo's förbund office reads every released period through the API, as it would."""
    import io

    from django.core.management import call_command
    from rest_framework.test import APIClient

    from apps.accounts.models import User
    from apps.accounts.services import api_token_create
    from apps.activera.models import ForbundRelease

    settings.DEBUG = True  # demo data only loads in development
    call_command("demo", stdout=io.StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=User.objects.get(username='kansli'))}")
    periods = []
    for kind, year, period in sorted(set(ForbundRelease.objects.values_list("kind", "year", "period"))):
        data = client.get("/api/v1/forbund/statistics/", {"kind": kind, "year": year, "period": period or ""}).json()
        periods.append(Published(kind, year, period, data["cells"], data["sum_units"]))
    cells = sum(len(p.cells) for p in periods)
    hidden = sum(1 for p in periods for c in p.cells if c["value"] is None)
    findings = attack(periods, scale_range=SCALE_RANGE)
    print(f"\ndemo data: {len(periods)} released periods, {cells} cells, {hidden} hidden, {len(findings)} determined")
    assert len(periods) >= 10 and hidden > 0
    assert findings == []
