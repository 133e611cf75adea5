"""The shared parts of the national data set's generator (bench/generate.py): its size, the
calendar it spans, and the base that writes rows through the application's bulk path."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

TODAY = datetime.date(2026, 11, 1)
FIRST_DAY = datetime.date(2017, 1, 1)
DAYS = (TODAY - FIRST_DAY).days
MUNICIPALITIES, FORBUND = 290, 80
DECISIONS, PARTICIPANTS, ANSWERS, ACTIVITIES, QUESTIONNAIRES = 1_000_000, 500_000, 3_000_000, 2_000_000, 200_000
POPULATION = 10_500_000
MARKER = "bench_dataset"


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, number: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + number


def populations(rng: random.Random) -> list[int]:
    """A long tail like Sweden's: a few large cities, many small municipalities."""
    weights = sorted((rng.lognormvariate(0, 1.1) for _ in range(MUNICIPALITIES)), reverse=True)
    weights[0] *= 3  # the capital: about a tenth of the country, as Stockholm
    total = sum(weights)
    return [max(2_000, round(POPULATION * w / total)) for w in weights]


def share(total: int, weights: list[int]) -> list[int]:
    """`total` split by `weights`, whole numbers that add up exactly."""
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    for index in range(total - sum(parts)):
        parts[index % len(parts)] += 1
    return parts


def day(rng: random.Random, start: datetime.date = FIRST_DAY, span: int = DAYS) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(span))


def plus(date: datetime.date, days: int) -> datetime.date:
    return date + datetime.timedelta(days=days)


class GeneratorBase:
    # Filled in by the programme step, read by the participants' rows.
    indicators: dict[int, list[int]]
    activity_types: dict[int, list[int]]
    questions: list[str]

    def __init__(self, *, scale: float, seed: int) -> None:
        import django

        django.setup()
        from apps.people.crypto import keyring
        from lib.pseudonyms import ALPHABET

        self.scale = scale
        self.rng = random.Random(seed)
        self.ring = keyring()
        self.alphabet = ALPHABET
        self.counts = Counts()
        self.timings: dict[str, float] = {}

    def n(self, full: int) -> int:
        return max(1, round(full * self.scale))

    # --- helpers -------------------------------------------------------------------------

    def insert(self, model: Any, rows: Any, *, fields: list[str]) -> list[int]:
        from apps.core.bulk import bulk_insert

        ids = bulk_insert(model, rows, fields=fields)
        self.counts.add(model._meta.db_table, len(ids))
        return ids

    def code(self, prefix: str, taken: set[str]) -> str:
        while True:
            code = prefix + "-" + "".join(self.rng.choice(self.alphabet) for _ in range(6))
            if code not in taken:
                taken.add(code)
                return code

    def people(self, municipality: dict[str, Any], count: int, codes: set[str]) -> list[tuple[int, str, int, str]]:
        """Registers `count` people; returns (id, code, birth year, legal sex) for each."""
        from apps.home.management.commands.demo import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES
        from apps.people.crypto import number_context
        from apps.people.models import Person
        from lib.identity_numbers import LegalSex, fictional_number

        rng, ring = self.rng, self.ring
        context = number_context(municipality["slug"])
        seen: set[str] = municipality.setdefault("numbers", set())
        rows: list[dict[str, Any]] = []
        while len(rows) < count:
            female = rng.random() < 0.5
            born = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 50))
            digits = fictional_number(
                born, serial=rng.randrange(100), legal_sex=LegalSex.FEMALE if female else LegalSex.MALE
            )
            if digits in seen:
                continue
            seen.add(digits)
            rows.append(
                {
                    "municipality_id": municipality["id"],
                    "code": self.code(municipality["code_prefix"], codes),
                    "identity_number_encrypted": ring.encrypt(digits, context=context),
                    "key_id": ring.active_key_id,
                    "identity_number_hash": ring.lookup_hash(digits, context=context),
                    "birth_year": born.year,
                    "legal_sex": "female" if female else "male",
                    "first_name": rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M),
                    "last_name": rng.choice(LAST_NAMES),
                }
            )
        ids = self.insert(Person, rows, fields=list(rows[0]))
        return [(pk, r["code"], r["birth_year"], r["legal_sex"]) for pk, r in zip(ids, rows, strict=True)]

    # --- decisions -------------------------------------------------------------------------
