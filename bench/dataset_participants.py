"""The participants' rows of the national data set: referrals, enrolments, progression,
activities and the anonymous violence tallies (bench/generate.py runs them)."""

from __future__ import annotations

from typing import Any

from bench.dataset import DAYS, TODAY, GeneratorBase, day, plus


class ParticipantRows(GeneratorBase):
    # --- participants ----------------------------------------------------------------------

    def participants(self, municipality: dict[str, Any], count: int, codes: set[str], receipts: set[str]) -> None:
        from apps.activera.models import (
            Activity,
            BornIn,
            EducationLevel,
            Enrolment,
            ExitReason,
            IncomeSource,
            Measurement,
            MeasurementAnswer,
            OccupationAfter,
            Referral,
            ReferringParty,
            TimeWithoutWork,
        )

        if not count:
            return
        rng = self.rng
        people = self.people(municipality, count, codes)
        anonymous = set(rng.sample(range(count), count // 20))
        unit, programme = municipality["programme_unit_id"], municipality["programme_id"]
        parties, educations = ReferringParty.values, EducationLevel.values
        incomes, times, born = IncomeSource.values, TimeWithoutWork.values, BornIn.values
        exits, occupations = ExitReason.values, OccupationAfter.values
        referrals, enrolments = [], []
        for index, (person_id, code, birth_year, _sex) in enumerate(people):
            start = day(rng, span=DAYS - 30)
            received = plus(start, -rng.randrange(3, 40))
            gender = rng.choices(["kvinna", "man", "annat"], weights=[55, 43, 2])[0]
            party = rng.choice(parties)
            is_anonymous = index in anonymous
            referrals.append(
                {
                    "programme_unit_id": unit,
                    "receipt_number": self.receipt(receipts),
                    "received_on": received,
                    "channel": rng.choice(["web", "phone", "paper"]),
                    "person_id": None if is_anonymous else person_id,
                    "anonymous": is_anonymous,
                    "gender": gender,
                    "birth_year": birth_year,
                    "residence_id": municipality["id"],
                    "consent": not is_anonymous,
                    "referring_party": party,
                    "status": "accepted",
                    "status_date": start,
                }
            )
            weeks = rng.randrange(6, 25)
            exit_date = plus(start, weeks * 7 + rng.randrange(-20, 8))
            exited = exit_date <= TODAY and exit_date >= start
            enrolments.append(
                {
                    "programme_unit_id": unit,
                    "person_id": None if is_anonymous else person_id,
                    "code": self.code(municipality["code_prefix"], codes) if is_anonymous else code,
                    "gender": gender,
                    "birth_year": birth_year,
                    "residence_id": municipality["id"],
                    "referring_party": party,
                    "start_date": start,
                    "planned_end_date": plus(start, weeks * 7),
                    "extent_percent": rng.choice([25, 40, 50]),
                    "education_level": rng.choice(educations),
                    "income_before": rng.choice(incomes),
                    "time_without_work": rng.choice(times),
                    "born_in": rng.choice(born),
                    "exit_date": exit_date if exited else None,
                    "exit_reason": rng.choice(exits) if exited else "",
                    "occupation_after": rng.choice(occupations) if exited else "",
                    "income_after": rng.choice(incomes) if exited else "",
                }
            )
        referral_ids = self.insert(Referral, referrals, fields=list(referrals[0]))
        for enrolment, referral_id in zip(enrolments, referral_ids, strict=True):
            enrolment["referral_id"] = referral_id
        enrolment_ids = self.insert(Enrolment, enrolments, fields=list(enrolments[0]))

        # Measured twice (at start and at exit) for two in five: 8 indicators × 2 × 187 500 = 3 million answers.
        indicators = self.indicators[programme]
        measured = [
            (pk, e) for pk, e in zip(enrolment_ids, enrolments, strict=True) if e["exit_date"] and rng.random() < 0.39
        ]
        measurement_rows, answers = [], []
        for pk, enrolment in measured:
            first = [rng.randint(1, 4) for _ in indicators]
            measurement_rows.append({"enrolment_id": pk, "date": plus(enrolment["start_date"], 3), "kind": "first"})
            answers.append(first)
            measurement_rows.append({"enrolment_id": pk, "date": enrolment["exit_date"], "kind": "exit"})
            answers.append([min(5, max(1, v + rng.choice([-1, 0, 0, 1, 1, 2]))) for v in first])
        measurement_ids = self.insert(Measurement, measurement_rows, fields=["enrolment_id", "date", "kind"])
        self.insert(
            MeasurementAnswer,
            (
                {"measurement_id": m, "indicator_id": i, "value": v}
                for m, values in zip(measurement_ids, answers, strict=True)
                for i, v in zip(indicators, values, strict=True)
            ),
            fields=["measurement_id", "indicator_id", "value"],
        )
        types = self.activity_types[programme]
        self.insert(
            Activity,
            (
                {
                    "enrolment_id": pk,
                    "date": plus(e["start_date"], rng.randrange(0, 7 * 6)),
                    "activity_type_id": rng.choice(types),
                    "mode": rng.choice(["individual", "group"]),
                    "digital": rng.random() < 0.2,
                    "attended": rng.random() < 0.9,
                }
                for pk, e in zip(enrolment_ids, enrolments, strict=True)
                for _ in range(rng.randrange(0, 9))
            ),
            fields=["enrolment_id", "date", "activity_type_id", "mode", "digital", "attended"],
        )

    def receipt(self, taken: set[str]) -> str:
        while True:
            number = "IA-" + "".join(self.rng.choice(self.alphabet) for _ in range(8))
            if number not in taken:
                taken.add(number)
                return number

    def violence(self, municipality: dict[str, Any], questionnaires: int) -> None:
        """Questionnaires spread over the tertials; each answers every question."""
        from apps.activera.models import ViolenceTally

        rng = self.rng
        tallies: dict[tuple[int, int, str, str], int] = {}
        for _ in range(questionnaires):
            answered = day(rng)
            tertial = (answered.month - 1) // 4 + 1
            for question in self.questions:
                answer = rng.choices(["ja", "nej", "vill_inte_svara"], weights=[15, 80, 5])[0]
                key = (answered.year, tertial, question, answer)
                tallies[key] = tallies.get(key, 0) + 1
        self.insert(
            ViolenceTally,
            (
                {
                    "programme_unit_id": municipality["programme_unit_id"],
                    "year": y,
                    "tertial": t,
                    "question": q,
                    "answer": a,
                    "count": c,
                }
                for (y, t, q, a), c in sorted(tallies.items())
            ),
            fields=["programme_unit_id", "year", "tertial", "question", "answer", "count"],
        )
