"""Import of an existing register, all or nothing, streamed in batches (decisions_import)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record_many
from apps.organisations.models import Organisation
from apps.people.models import Person
from insyn.errors import ImportFailed, ImportProblem
from lib.batching import batched
from lib.identity_numbers import IdentityNumber, InvalidIdentityNumber, parse_identity_number
from lib.nonexecution import Event, EventKind, check_new_event
from lib.swedish import quoted
from lib.tabular import Limits

from ..models import Decision, DecisionEvent, DecisionType, EndReason, LegalBasis, LegalBasisKind
from .common import local_today, register_lock, require_municipality
from .decisions import validate_decision_fields

IMPORT_REQUIRED = ["referens", "personnummer", "beslutsdatum", "insats", "lagrum"]
IMPORT_EVENT_COLUMNS = [
    ("verkstalld", EventKind.EXECUTED),
    ("avbrott", EventKind.INTERRUPTED),
    ("aterupptagen", EventKind.RESUMED),
    ("avslutad", EventKind.ENDED),
]


@dataclass
class _PlannedDecision:
    row: int
    reference: str
    identity_digits: str
    first_name: str
    last_name: str
    decision_date: datetime.date
    decision_type: DecisionType
    legal_basis: LegalBasis
    reason: str
    events: list[tuple[EventKind, datetime.date, str]]


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    updated: list[str]


CHAPTER_CITATION = re.compile(r"(\d+) kap\. (\d+ ?[a-z]?) § (.+)")


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _legal_basis_lookup() -> dict[str, LegalBasis]:
    lookup: dict[str, LegalBasis] = {}
    for basis in LegalBasis.objects.filter(kind=LegalBasisKind.DECISION):
        for key in (basis.code, basis.label, basis.short_label):
            lookup.setdefault(_fold(key), basis)
        # Case systems export "11 kap. 1 § SoL" as "11.1 § SoL" too; both name the basis.
        if cited := CHAPTER_CITATION.fullmatch(basis.label.strip()):
            chapter, section, rest = cited.groups()
            lookup.setdefault(_fold(f"{chapter}.{section} § {rest}"), basis)
    return lookup


def _pick_basis(candidates: list[LegalBasis], decision_date: datetime.date | None) -> LegalBasis:
    # "4 kap. 1 § SoL" names one basis; a short code shared across laws is resolved by the date.
    if decision_date is not None:
        for basis in candidates:
            if basis.valid_on(decision_date):
                return basis
    return candidates[0]


def _plan_row(
    number: int,
    values: dict[str, str],
    *,
    municipality: Organisation,
    types: dict[str, DecisionType],
    allowed_bases: dict[int, list[LegalBasis]],
    allowed_ids: dict[int, frozenset[int]],
    bases: dict[str, LegalBasis],
    end_reasons: dict[str, str],
    today: datetime.date,
    numbers: _Numbers,
    placeholder: Person,
) -> tuple[_PlannedDecision | None, list[ImportProblem]]:
    from lib.tabular import parse_iso_date

    problems: list[ImportProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(number, column, message))

    def date_of(column: str, *, required: bool = False) -> datetime.date | None:
        text = values.get(column, "")
        if not text:
            if required:
                problem(column, _("Värde saknas."))
            return None
        try:
            return parse_iso_date(text)
        except ValueError as exc:
            problem(column, str(exc))
            return None

    reference = values.get("referens", "")
    if not reference:
        problem("referens", _("Värde saknas."))
    digits = ""
    identity = numbers.parse(values.get("personnummer", ""))
    if isinstance(identity, InvalidIdentityNumber):
        problem("personnummer", identity.message)
    else:
        digits = identity.digits
    decision_date = date_of("beslutsdatum", required=True)
    decision_type = types.get(_fold(values.get("insats", "")))
    if decision_type is None:
        problem("insats", _("Okänd typ av beslut %(value)s.") % {"value": quoted(values.get("insats", ""))})
    basis = bases.get(_fold(values.get("lagrum", "")))
    if basis is None:
        problem("lagrum", _("Okänt lagrum %(value)s.") % {"value": quoted(values.get("lagrum", ""))})
    elif decision_type is not None:
        allowed = allowed_bases[decision_type.pk]
        same_law = [b for b in allowed if b.pk == basis.pk] or [
            b for b in allowed if _fold(b.short_label) == _fold(values.get("lagrum", ""))
        ]
        basis = _pick_basis(same_law, decision_date) if same_law else basis
    if decision_date is not None and decision_type is not None and basis is not None:
        for field_name, messages in validate_decision_fields(
            municipality=municipality,
            person=placeholder,  # found or registered when the row is written
            decision_date=decision_date,
            decision_type=decision_type,
            legal_basis=basis,
            delay_reason="",
            today=today,
            allowed_basis_ids=allowed_ids[decision_type.pk],
        ).items():
            column = {"decision_date": "beslutsdatum", "legal_basis": "lagrum", "decision_type": "insats"}.get(
                field_name, field_name
            )
            for message in messages:
                problem(column, message)

    events: list[tuple[EventKind, datetime.date, str]] = []
    for column, kind in IMPORT_EVENT_COLUMNS:
        day = date_of(column)
        if day is not None:
            events.append((kind, day, ""))
    end_reason_text = values.get("avslutsorsak", "")
    if any(kind == EventKind.ENDED for kind, _d, _r in events):
        reason_value = end_reasons.get(_fold(end_reason_text))
        if not end_reason_text:
            problem("avslutsorsak", _("Avslutsorsak krävs när avslutad är ifylld."))
        elif reason_value is None:
            allowed_reasons = ", ".join(str(label) for label in EndReason.labels)
            problem(
                "avslutsorsak",
                _("Okänd avslutsorsak %(value)s; tillåtna: %(allowed)s.")
                % {"value": quoted(end_reason_text), "allowed": allowed_reasons},
            )
        else:
            events = [(k, d, reason_value if k == EventKind.ENDED else "") for k, d, _r in events]
    elif end_reason_text:
        problem("avslutsorsak", _("Avslutsorsak anges bara när avslutad är ifylld."))
    if decision_date is not None:
        seen: list[Event] = []
        for kind, day, _reason in sorted(events, key=lambda item: item[1]):
            for event_problem in check_new_event(decision_date, seen, Event(kind, day), today=today):
                column = next(c for c, k in IMPORT_EVENT_COLUMNS if k == kind)
                problem(column, event_problem.message)
            seen.append(Event(kind, day))
    if problems or decision_date is None or decision_type is None or basis is None:
        return None, problems
    return (
        _PlannedDecision(
            row=number,
            reference=reference,
            identity_digits=digits,
            first_name=values.get("fornamn", ""),
            last_name=values.get("efternamn", ""),
            decision_date=decision_date,
            decision_type=decision_type,
            legal_basis=basis,
            reason=values.get("skal", ""),
            events=sorted(events, key=lambda item: item[1]),
        ),
        [],
    )


class _Numbers:
    """Identity numbers parsed once per batch (a register names many people more than once) and
    handed on to the registry, which would parse them again."""

    def __init__(self) -> None:
        self.parsed: dict[str, IdentityNumber | InvalidIdentityNumber] = {}

    def parse(self, raw: str) -> IdentityNumber | InvalidIdentityNumber:
        found = self.parsed.get(raw)
        if found is None:
            try:
                found = parse_identity_number(raw)
            except InvalidIdentityNumber as exc:
                found = exc
            self.parsed[raw] = found
        return found

    def valid(self) -> dict[str, IdentityNumber]:
        return {n.digits: n for n in self.parsed.values() if isinstance(n, IdentityNumber)}


IMPORT_BATCH = 2000
IMPORT_MAX_LISTED_PROBLEMS = 1000


def upload_limits() -> Limits:
    return Limits(max_bytes=settings.INSYN_UPLOAD_MAX_MB * 1024 * 1024)


def decisions_import(
    *,
    actor: User | None,
    municipality: Organisation,
    filename: str,
    data: bytes | IO[bytes],
    context: AuditContext | None = None,
    today: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a register, all or nothing: any invalid row and nothing is saved; the error lists
    every problem with its row, column and reason. A known reference is updated.

    The file is streamed in batches: each batch is validated, then written inside the one
    transaction as long as no row so far had a problem; a problem anywhere rolls everything back.
    `progress`, if given, is called with the number of rows read after each batch."""
    from lib.tabular import TableError, open_table

    require_municipality(actor, municipality)
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        table = open_table(filename, stream, limits=upload_limits())
    except TableError as exc:
        raise ImportFailed([ImportProblem(0, "", str(exc))]) from exc
    missing = [column for column in IMPORT_REQUIRED if column not in table.headers]
    if missing:
        raise ImportFailed([ImportProblem(1, column, _("Kolumnen saknas i rubrikraden.")) for column in missing])
    types = {_fold(t.name): t for t in DecisionType.objects.prefetch_related("legal_bases")}
    allowed_bases = {t.pk: list(t.legal_bases.all()) for t in types.values()}
    allowed_ids = {pk: frozenset(b.pk for b in allowed) for pk, allowed in allowed_bases.items()}
    bases = _legal_basis_lookup()
    end_reasons = {_fold(str(label)): value for value, label in EndReason.choices}
    problems: list[ImportProblem] = []
    problem_count = 0
    seen_references: dict[str, int] = {}
    result = ImportResult(created=[], updated=[])
    rows_read = 0
    placeholder = Person(municipality=municipality)
    today = today or local_today()
    with transaction.atomic():
        register_lock(municipality)
        try:
            for batch in batched(table.rows, IMPORT_BATCH):
                plans: list[_PlannedDecision] = []
                # Per batch, so memory stays flat in the file's size.
                numbers = _Numbers()
                for number, values in batch:
                    rows_read += 1
                    plan, row_problems = _plan_row(
                        number,
                        values,
                        municipality=municipality,
                        types=types,
                        allowed_bases=allowed_bases,
                        allowed_ids=allowed_ids,
                        bases=bases,
                        end_reasons=end_reasons,
                        today=today,
                        numbers=numbers,
                        placeholder=placeholder,
                    )
                    reference = values.get("referens", "")
                    if reference in seen_references:
                        row_problems.append(
                            ImportProblem(
                                number,
                                "referens",
                                _("Referensen finns redan på rad %(row)s.") % {"row": seen_references[reference]},
                            )
                        )
                    elif reference:
                        seen_references[reference] = number
                    problem_count += len(row_problems)
                    problems.extend(row_problems[: max(0, IMPORT_MAX_LISTED_PROBLEMS - len(problems))])
                    if plan is not None:
                        plans.append(plan)
                if not problem_count:
                    _write_import_batch(
                        plans,
                        actor=actor,
                        municipality=municipality,
                        context=context,
                        result=result,
                        numbers=numbers.valid(),
                    )
                if progress is not None:
                    progress(rows_read)
        except TableError as exc:
            problem_count += 1
            problems.append(ImportProblem(0, "", str(exc)))
        if not rows_read and not problem_count:
            problem_count += 1
            problems.append(ImportProblem(0, "", _("Filen har inga rader med beslut.")))
        if problem_count:
            if problem_count > len(problems):
                problems.append(
                    ImportProblem(
                        0,
                        "",
                        ngettext(
                            "… och %(count)s fel till som inte visas här.",
                            "… och %(count)s fel till som inte visas här.",
                            problem_count - len(problems),
                        )
                        % {"count": problem_count - len(problems)},
                    )
                )
            # Raised inside the transaction: every batch written so far is rolled back.
            raise ImportFailed(problems)
    return result


def _write_import_batch(
    plans: list[_PlannedDecision],
    *,
    actor: User | None,
    municipality: Organisation,
    context: AuditContext | None,
    result: ImportResult,
    numbers: dict[str, IdentityNumber],
) -> None:
    """Write one validated batch with a fixed number of statements, whatever its size."""
    from apps.core.bulk import bulk_insert, bulk_set
    from apps.people.services import people_register_many

    if not plans:
        return
    names: dict[str, tuple[str, str]] = {}
    for plan in plans:
        names.setdefault(plan.identity_digits, (plan.first_name, plan.last_name))
    people, _created_people = people_register_many(
        actor=actor, municipality=municipality, people=names, context=context, numbers=numbers
    )
    existing = {
        reference: (pk, version)
        for reference, pk, version in Decision.objects.filter(
            municipality=municipality, reference__one_of_text=[p.reference for p in plans]
        ).values_list("reference", "pk", "version")
    }
    if existing:
        DecisionEvent.objects.filter(decision_id__one_of=[pk for pk, _version in existing.values()]).delete()
    new_plans = [plan for plan in plans if plan.reference not in existing]

    def values(plan: _PlannedDecision) -> dict[str, Any]:
        return {
            "person_id": people[plan.identity_digits].pk,
            "decision_date": plan.decision_date,
            "decision_type_id": plan.decision_type.pk,
            "legal_basis_id": plan.legal_basis.pk,
            "delay_reason_text": plan.reason,
        }

    common = ["person_id", "decision_date", "decision_type_id", "legal_basis_id", "delay_reason_text"]
    new_ids = bulk_insert(
        Decision,
        (
            {
                **values(plan),
                "municipality_id": municipality.pk,
                "reference": plan.reference,
                "created_by_id": actor.pk if actor else None,
            }
            for plan in new_plans
        ),
        fields=[*common, "municipality_id", "reference", "created_by_id"],
    )
    now = timezone.now()
    changed = [plan for plan in plans if plan.reference in existing]
    bulk_set(
        Decision,
        (
            {
                **values(plan),
                "pk": existing[plan.reference][0],
                "version": existing[plan.reference][1] + 1,
                "updated_at": now,
            }
            for plan in changed
        ),
        fields=[*common, "version", "updated_at"],
    )
    ids = {plan.reference: pk for plan, pk in zip(new_plans, new_ids, strict=True)}
    ids.update({plan.reference: existing[plan.reference][0] for plan in changed})
    bulk_insert(
        DecisionEvent,
        (
            {
                "decision_id": ids[plan.reference],
                "kind": kind.value,
                "date": day,
                "end_reason": reason,
                "recorded_by_id": actor.pk if actor else None,
            }
            for plan in plans
            for kind, day, reason in plan.events
        ),
        fields=["decision_id", "kind", "date", "end_reason", "recorded_by_id"],
    )
    created = {plan.reference for plan in new_plans}
    audit_record_many(
        actor=actor,
        action=AuditAction.DECISION_IMPORT,
        context=context,
        entries=[
            {
                "object_type": "decision",
                "object_id": ids[plan.reference],
                "person_code": people[plan.identity_digits].code,
                "municipality_slug": municipality.slug,
                "details": {
                    "reference": plan.reference,
                    "row": plan.row,
                    "change": "created" if plan.reference in created else "updated",
                },
            }
            for plan in plans
        ],
    )
    for plan in plans:
        (result.created if plan.reference in created else result.updated).append(plan.reference)
