"""The anonymous violence questionnaire (FREDA kortfrågor), registered afterwards as batches of
paper forms.

Only what the tertial delivery needs is stored: a count per programme unit, year, tertial,
question and answer. All rows of a tertial are created together, with zero counts and in a fixed
order, when its first batch arrives, and a batch adds to them in one statement; so neither ids,
row order nor anything else tells which form came when, or which participant it could belong to.
The import itself is audited (who, unit, tertial, number of forms), never its answers."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from insyn.errors import ImportFailed, ImportProblem, ValidationFailed
from lib.participation import tertial_bounds
from lib.spreadsheet import Sheet, workbook_bytes
from lib.tabular import Limits, TableError, open_table

from .models import Delivery, DeliveryKind, Programme, ProgrammeUnit, ViolenceAnswer, ViolenceTally
from .services import municipality_of_unit, require_unit_access

# The fixed order of a tertial's rows: the programme's questions in its order, each with these.
ANSWER_ORDER = [answer.value for answer in ViolenceAnswer]
# What a cell of the file may say; an empty cell is "ej_besvarad".
FILE_ANSWERS = {
    "ja": ViolenceAnswer.YES.value,
    "nej": ViolenceAnswer.NO.value,
    "vill_inte_svara": ViolenceAnswer.NO_ANSWER.value,
}
ALLOWED_TEXT = gettext_lazy("ja, nej, vill_inte_svara eller lämna tomt")
TERTIAL_MONTHS_TEXT = {1: gettext_lazy("jan–apr"), 2: gettext_lazy("maj–aug"), 3: gettext_lazy("sep–dec")}
# A paper batch has tens of forms; a file with more problems than this is the wrong file.
MAX_LISTED_PROBLEMS = 1000
EMPTY_FORM = gettext_lazy(
    "Raden är tom: ett formulär utan ett enda svar räknas inte. Ta bort raden eller fyll i svaren."
)


@dataclass(frozen=True)
class ViolenceBatchResult:
    programme_unit: ProgrammeUnit
    year: int
    tertial: int
    forms: int  # in this batch
    tertial_forms: int  # in the tertial, this batch included


def violence_question_codes(programme: Programme) -> list[str]:
    return [str(question["code"]) for question in programme.violence_questions]


def tertial_label(year: int, tertial: int) -> str:
    return f"T{tertial} {year}"


def _next_tertial(year: int, tertial: int) -> tuple[int, int]:
    return (year + 1, 1) if tertial == 3 else (year, tertial + 1)


def _delivered_tertials(programme_unit: ProgrammeUnit) -> set[tuple[int, int]]:
    return set(
        Delivery.objects.filter(programme_unit=programme_unit, kind=DeliveryKind.TERTIAL).values_list("year", "period")
    )


def next_open_tertial(programme_unit: ProgrammeUnit, year: int, tertial: int) -> tuple[int, int]:
    """The first tertial after the given one whose delivery is not submitted yet."""
    delivered = _delivered_tertials(programme_unit)
    year, tertial = _next_tertial(year, tertial)
    while (year, tertial) in delivered:
        year, tertial = _next_tertial(year, tertial)
    return year, tertial


def violence_tertial_problems(
    *, programme_unit: ProgrammeUnit, year: int, tertial: int, today: datetime.date
) -> dict[str, list[str]]:
    """Why forms cannot be registered on this tertial (empty when they can)."""
    if tertial not in (1, 2, 3):
        return {"tertial": [_("Välj tertial 1, 2 eller 3.")]}
    if not 2000 <= year <= 9998:
        return {"year": [_("Ange ett år med fyra siffror.")]}
    label = tertial_label(year, tertial)
    first, last = tertial_bounds(year, tertial)
    if first > today:
        return {
            "tertial": [
                _(
                    "%(tertial)s har inte börjat än (den börjar %(first)s). "
                    "Formulär registreras på den tertial de fylldes i."
                )
                % {"tertial": label, "first": first.isoformat()}
            ]
        }
    if last < programme_unit.period_start:
        return {
            "tertial": [
                _("%(tertial)s slutade före avtalsperioden, som började %(start)s.")
                % {"tertial": label, "start": programme_unit.period_start.isoformat()}
            ]
        }
    if (year, tertial) in _delivered_tertials(programme_unit):
        next_year, next_tertial = next_open_tertial(programme_unit, year, tertial)
        next_first, _next_last = tertial_bounds(next_year, next_tertial)
        values = {"tertial": label, "next": tertial_label(next_year, next_tertial), "first": next_first.isoformat()}
        if next_first > today:
            message = _(
                "Leveransen för %(tertial)s är redan inlämnad till förbundet. Formulär som kommer in sent "
                "räknas i nästa leverans: registrera dem på %(next)s när den har börjat (%(first)s)."
            )
        else:
            message = _(
                "Leveransen för %(tertial)s är redan inlämnad till förbundet. Formulär som kommer in sent "
                "räknas i nästa leverans: registrera dem på %(next)s."
            )
        return {"tertial": [message % values]}
    return {}


def _answer_of(text: str) -> str | None:
    """The stored answer for a cell's text, None when it is no answer. Case, surrounding spaces
    and spaces for underscores do not matter ("Vill inte svara" is vill_inte_svara)."""
    key = "_".join(text.strip().lower().split())
    if not key:
        return ViolenceAnswer.NOT_ANSWERED.value
    return FILE_ANSWERS.get(key)


def _not_an_answer(text: str) -> str:
    shown = text if len(text) <= 40 else text[:40] + "…"
    return _("”%(text)s” är inget svar; använd %(allowed)s.") % {"text": shown, "allowed": ALLOWED_TEXT}


def _write_batch(
    *,
    actor: User | None,
    programme_unit: ProgrammeUnit,
    year: int,
    tertial: int,
    counts: Counter[tuple[str, str]],
    forms: int,
    context: AuditContext | None,
) -> ViolenceBatchResult:
    """Add a validated batch to the tertial's counts, with its audit row, in one transaction."""
    questions = violence_question_codes(programme_unit.programme)
    with transaction.atomic():
        # One batch of a unit at a time, so the rows of a new tertial are created exactly once.
        list(ProgrammeUnit.objects.select_for_update(no_key=True).filter(pk=programme_unit.pk).values_list("pk"))
        tallies = ViolenceTally.objects.filter(programme_unit=programme_unit, year=year, tertial=tertial)
        existing = {(q, a): c for q, a, c in tallies.values_list("question", "answer", "count")}
        sums: Counter[str] = Counter()
        for (question, _answer), count in existing.items():
            sums[question] += count
        forms_before = max(sums.values(), default=0)
        known = set(questions) | set(sums)
        ordered = questions + sorted(known - set(questions))
        missing = [(q, a) for q in ordered for a in ANSWER_ORDER if (q, a) not in existing]
        if missing:
            # The first batch of the tertial (or a question added since): every row at once, in the
            # fixed order. A question the earlier forms did not have was not answered on them.
            ViolenceTally.objects.bulk_create(
                [
                    ViolenceTally(
                        programme_unit=programme_unit,
                        year=year,
                        tertial=tertial,
                        question=q,
                        answer=a,
                        count=forms_before - sums[q] if a == ViolenceAnswer.NOT_ANSWERED else 0,
                    )
                    for q, a in missing
                ]
            )
        deltas = Counter(counts)
        for question in known - set(questions):
            # A question the programme no longer asks: these forms did not answer it.
            deltas[(question, ViolenceAnswer.NOT_ANSWERED.value)] += forms
        whens = [When(question=q, answer=a, then=Value(n)) for (q, a), n in sorted(deltas.items()) if n]
        tallies.update(count=F("count") + Case(*whens, default=Value(0), output_field=PositiveIntegerField()))
        audit_record(
            actor=actor,
            action=AuditAction.DELIVERY_CHANGE,
            context=context,
            object_type="violence_batch",
            object_id=f"{programme_unit.unit.slug} {tertial_label(year, tertial)}",
            municipality_slug=municipality_of_unit(programme_unit).slug,
            details={"unit": programme_unit.unit.slug, "year": year, "tertial": tertial, "forms": forms},
        )
    return ViolenceBatchResult(
        programme_unit=programme_unit, year=year, tertial=tertial, forms=forms, tertial_forms=forms_before + forms
    )


def _require_open_tertial(
    actor: User | None, programme_unit: ProgrammeUnit, year: int, tertial: int, today: datetime.date
) -> None:
    require_unit_access(actor, programme_unit)
    problems = violence_tertial_problems(programme_unit=programme_unit, year=year, tertial=tertial, today=today)
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], fields=problems)


def violence_batch_record(
    *,
    actor: User | None,
    programme_unit: ProgrammeUnit,
    year: int,
    tertial: int,
    forms: Sequence[Mapping[str, str]],
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> ViolenceBatchResult:
    """Add a batch of filled-in forms to the tertial's counts, all or nothing. Each form maps
    question keys to ja, nej or vill_inte_svara; a question left out or empty was not answered."""
    today = today or timezone.localdate()
    _require_open_tertial(actor, programme_unit, year, tertial, today)
    questions = violence_question_codes(programme_unit.programme)
    problems: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    for number, form in enumerate(forms, start=1):
        for key in sorted(set(form) - set(questions)):
            problems.append(
                _("Formulär %(number)s, fråga %(question)s: programmet har ingen sådan fråga.")
                % {"number": number, "question": key}
            )
        answers = {q: _answer_of(str(form.get(q, ""))) for q in questions}
        for question, answer in answers.items():
            if answer is None:
                problems.append(
                    _("Formulär %(number)s, fråga %(question)s: %(problem)s")
                    % {"number": number, "question": question, "problem": _not_an_answer(str(form[question]))}
                )
        if all(answer == ViolenceAnswer.NOT_ANSWERED for answer in answers.values()):
            problems.append(
                _("Formulär %(number)s: inget svar alls; ett tomt formulär räknas inte.") % {"number": number}
            )
        for question, answer in answers.items():
            if answer is not None:
                counts[(question, answer)] += 1
    if not forms:
        problems.append(_("Omgången innehåller inga formulär."))
    if problems:
        raise ValidationFailed(
            ngettext("Inget registrerades: %(count)s fel.", "Inget registrerades: %(count)s fel.", len(problems))
            % {"count": len(problems)},
            fields={"forms": problems},
        )
    return _write_batch(
        actor=actor,
        programme_unit=programme_unit,
        year=year,
        tertial=tertial,
        counts=counts,
        forms=len(forms),
        context=context,
    )


def _upload_limits() -> Limits:
    return Limits(max_bytes=settings.INSYN_UPLOAD_MAX_MB * 1024 * 1024)


def _header_problems(headers: list[str], questions: list[str]) -> list[ImportProblem]:
    expected = ", ".join(questions)
    problems = []
    for header, times in Counter(headers).items():
        if header not in questions:
            problems.append(
                ImportProblem(
                    1, header, _("okänd kolumn; rubrikraden ska vara frågornas nycklar: %(keys)s.") % {"keys": expected}
                )
            )
        elif times > 1:
            problems.append(
                ImportProblem(1, header, _("kolumnen finns %(times)s gånger i rubrikraden.") % {"times": times})
            )
    problems += [ImportProblem(1, q, _("kolumnen saknas i rubrikraden.")) for q in questions if q not in headers]
    return problems


def _read_forms(
    rows: Iterable[tuple[int, dict[str, str]]], questions: list[str]
) -> tuple[Counter[tuple[str, str]], int, list[ImportProblem]]:
    """Count the answers of a file's rows (numbered as the user sees them), with every problem."""
    counts: Counter[tuple[str, str]] = Counter()
    problems: list[ImportProblem] = []
    forms = 0
    previous = 1  # the header row
    for number, values in rows:
        # The reader skips rows without a single value: between two forms, such a row is an empty
        # form; after the last form it is only the end of the sheet.
        problems += [ImportProblem(blank, "", str(EMPTY_FORM)) for blank in range(previous + 1, number)]
        previous = number
        if not any(values.values()):
            problems.append(ImportProblem(number, "", str(EMPTY_FORM)))
            continue
        answers = {}
        for question in questions:
            answer = _answer_of(values.get(question, ""))
            if answer is None:
                problems.append(ImportProblem(number, question, _not_an_answer(values[question])))
            else:
                answers[question] = answer
        if len(answers) == len(questions):
            forms += 1
            counts.update(answers.items())
        if len(problems) > MAX_LISTED_PROBLEMS:
            break
    return counts, forms, problems


def violence_batch_import(
    *,
    actor: User | None,
    programme_unit: ProgrammeUnit,
    year: int,
    tertial: int,
    filename: str,
    data: bytes | IO[bytes],
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> ViolenceBatchResult:
    """Import a batch of paper forms from CSV or XLSX: one row per form, one column per question
    key. All or nothing: any problem and nothing changes, and ImportFailed lists every problem
    with its row and column."""
    today = today or timezone.localdate()
    _require_open_tertial(actor, programme_unit, year, tertial, today)
    questions = violence_question_codes(programme_unit.programme)
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        table = open_table(filename, stream, limits=_upload_limits())
        problems = _header_problems(table.headers, questions)
        counts, forms, row_problems = _read_forms(table.rows, questions)
    except TableError as exc:
        raise ImportFailed([ImportProblem(0, "", str(exc))]) from exc
    problems += row_problems
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = problems[:MAX_LISTED_PROBLEMS]
        problems.append(
            ImportProblem(0, "", _("fler fel än så; de första %(count)s visas.") % {"count": MAX_LISTED_PROBLEMS})
        )
    elif not problems and not forms:
        problems.append(ImportProblem(0, "", _("inga formulär att registrera, bara rubrikraden.")))
    if problems:
        raise ImportFailed(problems)
    return _write_batch(
        actor=actor,
        programme_unit=programme_unit,
        year=year,
        tertial=tertial,
        counts=counts,
        forms=forms,
        context=context,
    )


# --- Templates and the unit's own overview ------------------------------------------------------


def violence_template_xlsx(programme: Programme) -> bytes:
    """A sheet to fill in (the header row of question keys) and a sheet explaining the keys."""
    allowed = _("%(allowed)s (tom cell = ej besvarad)") % {"allowed": ALLOWED_TEXT}
    return workbook_bytes(
        [
            Sheet(_("Formulär"), violence_question_codes(programme), []),
            Sheet(
                _("Frågor"),
                [_("Nyckel"), _("Fråga"), _("Tillåtna svar")],
                [[str(q["code"]), str(q["label"]), allowed] for q in programme.violence_questions],
            ),
        ]
    )


def violence_template_csv(programme: Programme) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(violence_question_codes(programme))
    # With the byte order mark, Excel opens the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def violence_overview(units: Sequence[ProgrammeUnit], *, today: datetime.date) -> list[dict[str, Any]]:
    """Per unit, the tertials of last year and this year: forms registered, the counts per question
    and answer, and whether the tertial is delivered. Not suppressed: it stays in the municipality."""
    years = [today.year - 1, today.year]
    tallies: dict[tuple[int, int, int], dict[tuple[str, str], int]] = {}
    for tally in ViolenceTally.objects.filter(programme_unit__in=units, year__in=years):
        tallies.setdefault((tally.programme_unit_id, tally.year, tally.tertial), {})[(tally.question, tally.answer)] = (
            tally.count
        )
    deliveries = {
        (d.programme_unit_id, d.year, d.period): d
        for d in Delivery.objects.filter(programme_unit__in=units, kind=DeliveryKind.TERTIAL, year__in=years)
    }
    answer_labels = [str(answer.label) for answer in ViolenceAnswer]
    overview = []
    for unit in units:
        questions = unit.programme.violence_questions
        rows = []
        for year in years:
            for tertial in (1, 2, 3):
                counts = tallies.get((unit.pk, year, tertial), {})
                sums = [sum(counts.get((str(q["code"]), a), 0) for a in ANSWER_ORDER) for q in questions]
                first, last = tertial_bounds(year, tertial)
                delivery = deliveries.get((unit.pk, year, tertial))
                if delivery is not None:
                    status = _("Levererad %(date)s") % {"date": timezone.localdate(delivery.submitted_at).isoformat()}
                elif first > today:
                    status = _("Har inte börjat")
                elif last < unit.period_start:
                    status = _("Före avtalsperioden")
                else:
                    status = _("Öppen, inte levererad")
                rows.append(
                    {
                        "label": f"{tertial_label(year, tertial)} ({TERTIAL_MONTHS_TEXT[tertial]!s})",
                        "forms": max(sums, default=0),
                        "status": status,
                        "delivered": delivery is not None,
                        "questions": [
                            {
                                "label": q["label"],
                                "code": q["code"],
                                "counts": [counts.get((str(q["code"]), a), 0) for a in ANSWER_ORDER],
                            }
                            for q in questions
                        ],
                    }
                )
        overview.append({"unit": unit, "answers": answer_labels, "rows": rows})
    return overview
