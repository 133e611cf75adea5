from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record, audit_record_many
from apps.core.concurrency import bump_version, update_if_unchanged
from apps.organisations.models import Organisation
from apps.people.models import Person
from insyn.errors import Conflict, ImportFailed, ImportProblem, NotPermitted, ValidationFailed
from lib.batching import batched
from lib.nonexecution import Event, EventKind, check_new_event
from lib.quarters import Quarter
from lib.tabular import Limits

from .council import council_hidden_of
from .models import (
    Decision,
    DecisionEvent,
    DecisionType,
    DelayReason,
    EndReason,
    InsatsOffer,
    IvoArea,
    LegalBasis,
    LegalBasisKind,
    QuarterlyReport,
    ReportRow,
    ReportStatus,
)
from .selectors import compute_report, decision_events, report_row_from


def _today() -> datetime.date:
    return timezone.localdate()


def _require(
    actor: User | None, municipality: Organisation, permission: Permission = Permission.DECISION_MANAGE
) -> None:
    if actor is not None and municipality not in municipalities_with(actor, permission):
        raise NotPermitted("Du får inte registrera beslut i den kommunen.")


def _audit(
    actor: User | None, action: AuditAction, decision: Decision, context: AuditContext | None, **details: object
) -> None:
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="decision",
        object_id=str(decision.pk),
        person_code=decision.person.code,
        municipality_slug=decision.municipality.slug,
        details={"reference": decision.reference, **details},
    )


def validate_decision_fields(
    *,
    municipality: Organisation,
    person: Person | None,
    decision_date: datetime.date | None,
    decision_type: DecisionType | None,
    legal_basis: LegalBasis | None,
    delay_reason: str,
    today: datetime.date,
    ivo_area: str = "",
) -> dict[str, list[str]]:
    """Every problem with a decision's fields, per field, in Swedish."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if person is None:
        add("person", "Ange personen som beslutet gäller.")
    elif person.municipality_id != municipality.pk:
        add("person", "Personen finns inte i kommunens register.")
    if decision_date is None:
        add("decision_date", "Ange beslutsdatum.")
    elif decision_date > today:
        add("decision_date", "Beslutsdatumet kan inte ligga i framtiden.")
    if decision_type is None:
        add("decision_type", "Välj typ av beslut.")
    if legal_basis is None:
        add("legal_basis", "Välj lagrum.")
    elif legal_basis.kind != LegalBasisKind.DECISION:
        add("legal_basis", f"{legal_basis.short_label} är inte ett lagrum för beslut.")
    else:
        if decision_date is not None and not legal_basis.valid_on(decision_date):
            add(
                "legal_basis",
                f"Lagrummet {legal_basis.short_label} gällde inte på beslutsdatumet {decision_date.isoformat()} "
                f"(det gäller {legal_basis.period_text()}).",
            )
        # Through .all(): an import's prefetched types answer without a query per row.
        if decision_type is not None and legal_basis.pk not in {b.pk for b in decision_type.legal_bases.all()}:
            add("legal_basis", f"Lagrummet {legal_basis.short_label} hör inte till beslutstypen {decision_type.name}.")
    if delay_reason and delay_reason not in DelayReason.values:
        add("delay_reason", "Okänt skäl till dröjsmål.")
    if ivo_area and ivo_area not in IvoArea.values:
        add("ivo_area", "Okänd inriktning för beslutet.")
    return errors


def decision_create(
    *,
    actor: User | None,
    municipality: Organisation,
    reference: str,
    person: Person | None,
    decision_date: datetime.date | None,
    decision_type: DecisionType | None,
    legal_basis: LegalBasis | None,
    caseworker: str = "",
    delay_reason: str = "",
    delay_reason_text: str = "",
    consequences: str = "",
    interim_support: str = "",
    ivo_area: str = "",
    protected_identity: bool = False,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Decision:
    _require(actor, municipality)
    reference = reference.strip()
    errors = validate_decision_fields(
        municipality=municipality,
        person=person,
        decision_date=decision_date,
        decision_type=decision_type,
        legal_basis=legal_basis,
        delay_reason=delay_reason,
        today=today or _today(),
        ivo_area=ivo_area,
    )
    if not reference:
        errors.setdefault("reference", []).append("Ange kommunens ärende- eller diarienummer.")
    elif Decision.objects.filter(municipality=municipality, reference=reference).exists():
        errors.setdefault("reference", []).append(f"Referensen {reference} finns redan i kommunens register.")
    if errors:
        raise ValidationFailed("Beslutet kunde inte sparas.", fields=errors)
    assert person is not None and decision_date is not None and decision_type is not None and legal_basis is not None
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                municipality=municipality,
                reference=reference,
                person=person,
                decision_date=decision_date,
                decision_type=decision_type,
                legal_basis=legal_basis,
                caseworker=caseworker.strip(),
                delay_reason=delay_reason,
                delay_reason_text=delay_reason_text.strip(),
                consequences=consequences.strip(),
                interim_support=interim_support.strip(),
                ivo_area=ivo_area,
                protected_identity=protected_identity,
                created_by=actor,
            )
            _audit(actor, AuditAction.DECISION_CREATE, decision, context)
    except IntegrityError as exc:
        raise Conflict(f"Referensen {reference} registrerades samtidigt av någon annan.") from exc
    return decision


def decision_update_waiting(
    *,
    actor: User | None,
    decision: Decision,
    caseworker: str,
    delay_reason: str,
    delay_reason_text: str,
    consequences: str,
    interim_support: str,
    ivo_area: str | None = None,
    protected_identity: bool | None = None,
    expected_version: int | None = None,
    context: AuditContext | None = None,
) -> Decision:
    """Update what is known while the person waits: reason, consequences, support meanwhile, and
    what IVO's e-service asks besides (inriktning, protected identity; None: unchanged).
    With `expected_version` it refuses (EditConflict) if someone saved the decision meanwhile."""
    _require(actor, decision.municipality)
    if delay_reason and delay_reason not in DelayReason.values:
        raise ValidationFailed("Okänt skäl.", fields={"delay_reason": ["Okänt skäl till dröjsmål."]})
    if ivo_area and ivo_area not in IvoArea.values:
        raise ValidationFailed("Okänd inriktning.", fields={"ivo_area": ["Okänd inriktning för beslutet."]})
    with transaction.atomic():
        decision.caseworker = caseworker.strip()
        decision.delay_reason = delay_reason
        decision.delay_reason_text = delay_reason_text.strip()
        decision.consequences = consequences.strip()
        decision.interim_support = interim_support.strip()
        if ivo_area is not None:
            decision.ivo_area = ivo_area
        if protected_identity is not None:
            decision.protected_identity = protected_identity
        update_if_unchanged(
            decision,
            fields=[
                "caseworker",
                "delay_reason",
                "delay_reason_text",
                "consequences",
                "interim_support",
                "ivo_area",
                "protected_identity",
            ],
            expected_version=expected_version,
            what=f"Beslutet {decision.reference}",
            audit_object=("decision", str(decision.pk)),
        )
        _audit(actor, AuditAction.DECISION_UPDATE, decision, context)
    return decision


def decision_event_add(
    *,
    actor: User | None,
    decision: Decision,
    kind: str,
    date: datetime.date | None,
    missing_part: str = "",
    end_reason: str = "",
    end_reason_text: str = "",
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> DecisionEvent:
    _require(actor, decision.municipality)
    errors: dict[str, list[str]] = {}
    try:
        event_kind = EventKind(kind)
    except ValueError:
        errors["kind"] = ["Välj en händelse."]
        event_kind = None
    if date is None:
        errors.setdefault("date", []).append("Ange datum.")
    if event_kind == EventKind.PARTLY_EXECUTED and not missing_part.strip():
        errors["missing_part"] = ["Beskriv vilken del som ännu inte är verkställd."]
    if event_kind == EventKind.ENDED:
        if end_reason not in EndReason.values:
            errors["end_reason"] = ["Välj avslutsorsak."]
        elif end_reason == EndReason.OTHER and not end_reason_text.strip():
            errors["end_reason_text"] = ["Beskriv orsaken när du väljer Annat."]
    elif end_reason:
        errors["end_reason"] = ["Avslutsorsak anges bara när beslutet avslutas."]
    with transaction.atomic():
        # The row lock makes a second user's simultaneous event wait, then be checked against the
        # first one's: two "verkställt" or an event after "avslutat" cannot both get in.
        Decision.objects.select_for_update().filter(pk=decision.pk).first()
        if event_kind is not None and date is not None:
            for problem in check_new_event(
                decision.decision_date, decision_events(decision), Event(event_kind, date), today=today or _today()
            ):
                errors.setdefault(problem.field, []).append(problem.message)
        if errors:
            raise ValidationFailed("Händelsen kunde inte sparas.", fields=errors)
        assert event_kind is not None and date is not None
        event = DecisionEvent.objects.create(
            decision=decision,
            kind=event_kind.value,
            date=date,
            missing_part=missing_part.strip() if event_kind == EventKind.PARTLY_EXECUTED else "",
            end_reason=end_reason if event_kind == EventKind.ENDED else "",
            end_reason_text=end_reason_text.strip() if event_kind == EventKind.ENDED else "",
            recorded_by=actor,
        )
        bump_version(decision)
        _audit(actor, AuditAction.DECISION_EVENT, decision, context, event=event_kind.value, date=date.isoformat())
    return event


def decision_offer_add(
    *,
    actor: User | None,
    decision: Decision,
    offered_on: datetime.date | None,
    declined: bool,
    note: str = "",
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> InsatsOffer:
    """Record that an insats was offered. A declined offer does not end the decision."""
    _require(actor, decision.municipality)
    if offered_on is None:
        raise ValidationFailed("Erbjudandet kunde inte sparas.", fields={"offered_on": ["Ange datum."]})
    if offered_on > (today or _today()):
        raise ValidationFailed(
            "Erbjudandet kunde inte sparas.", fields={"offered_on": ["Datumet kan inte ligga i framtiden."]}
        )
    if offered_on < decision.decision_date:
        raise ValidationFailed(
            "Erbjudandet kunde inte sparas.",
            fields={
                "offered_on": [f"Datumet kan inte ligga före beslutsdatumet {decision.decision_date.isoformat()}."]
            },
        )
    with transaction.atomic():
        offer = InsatsOffer.objects.create(
            decision=decision, offered_on=offered_on, declined=declined, note=note.strip(), recorded_by=actor
        )
        bump_version(decision)
        _audit(actor, AuditAction.DECISION_UPDATE, decision, context, offer=offered_on.isoformat(), declined=declined)
    return offer


# --- Quarterly reports ---------------------------------------------------------------------


def _check_report_order(municipality: Organisation, quarter: Quarter) -> None:
    later = (
        QuarterlyReport.objects.filter(municipality=municipality, status=ReportStatus.SUBMITTED)
        .filter(year__gt=quarter.year)
        .exists()
        or QuarterlyReport.objects.filter(
            municipality=municipality, status=ReportStatus.SUBMITTED, year=quarter.year, quarter__gt=quarter.number
        ).exists()
    )
    if later:
        raise Conflict(
            f"En rapport för ett senare kvartal än {quarter} är redan inlämnad; "
            "rättelser görs i nästa kvartals rapport."
        )


def _store_rows(report: QuarterlyReport, quarter: Quarter) -> None:
    from .ivo import ivo_codes_assign

    rows = compute_report(report.municipality, quarter, report.as_of)
    # Every person in the report gets IVO's identifier now, kept for every later report.
    ivo_codes_assign(municipality=report.municipality, people=list({c.decision.person for c in rows}))
    ReportRow.objects.bulk_create(
        [report_row_from(computed, position, report) for position, computed in enumerate(rows, start=1)]
    )


def report_prepare(
    *,
    actor: User | None,
    municipality: Organisation,
    quarter: Quarter,
    as_of: datetime.date,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> QuarterlyReport:
    """Create the draft report for a quarter, or recompute the existing draft as of `as_of`."""
    _require(actor, municipality)
    if as_of < quarter.last_day:
        raise ValidationFailed(
            "Rapporten kunde inte tas fram.",
            fields={
                "as_of": [f"Rapporteringstillfället kan inte ligga före kvartalets sista dag ({quarter.last_day})."]
            },
        )
    if as_of > (today or _today()):
        raise ValidationFailed(
            "Rapporten kunde inte tas fram.", fields={"as_of": ["Datumet kan inte ligga i framtiden."]}
        )
    _check_report_order(municipality, quarter)
    with transaction.atomic():
        report = (
            QuarterlyReport.objects.select_for_update()
            .filter(municipality=municipality, year=quarter.year, quarter=quarter.number)
            .first()
        )
        if report is not None and report.is_submitted:
            raise Conflict(f"Rapporten för {quarter} är redan inlämnad och kan inte ändras.")
        if report is None:
            report = QuarterlyReport.objects.create(
                municipality=municipality,
                year=quarter.year,
                quarter=quarter.number,
                as_of=as_of,
                computed_at=timezone.now(),
            )
        else:
            report.rows.all().delete()
            report.as_of = as_of
            report.computed_at = timezone.now()
            report.save(update_fields=["as_of", "computed_at"])
        _store_rows(report, quarter)
        audit_record(
            actor=actor,
            action=AuditAction.REPORT_COMPUTE,
            context=context,
            object_type="quarterly_report",
            object_id=str(report.pk),
            municipality_slug=municipality.slug,
            details={"quarter": str(quarter), "as_of": as_of.isoformat()},
        )
    return report


def report_submit(
    *, actor: User | None, report: QuarterlyReport, context: AuditContext | None = None
) -> QuarterlyReport:
    """Recompute the draft one last time and freeze it. Who and when goes to the audit log."""
    _require(actor, report.municipality)
    if report.is_submitted:
        raise Conflict("Rapporten är redan inlämnad.")
    quarter = Quarter(report.year, report.quarter)
    _check_report_order(report.municipality, quarter)
    with transaction.atomic():
        report.rows.all().delete()
        _store_rows(report, quarter)
        # What the council's table hides is decided now, with every table published before it,
        # and kept: later tables are protected together with it.
        report.council_hidden = council_hidden_of(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        report.computed_at = report.submitted_at
        report.save()
        audit_record(
            actor=actor,
            action=AuditAction.REPORT_SUBMIT,
            context=context,
            object_type="quarterly_report",
            object_id=str(report.pk),
            municipality_slug=report.municipality.slug,
            details={"quarter": str(quarter), "as_of": report.as_of.isoformat(), "rows": report.rows.count()},
        )
    return report


# --- Import of an existing register ------------------------------------------------------------

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
    bases: dict[str, LegalBasis],
    end_reasons: dict[str, str],
    today: datetime.date,
) -> tuple[_PlannedDecision | None, list[ImportProblem]]:
    from lib.identity_numbers import InvalidIdentityNumber, parse_identity_number
    from lib.tabular import parse_iso_date

    problems: list[ImportProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(number, column, message))

    def date_of(column: str, *, required: bool = False) -> datetime.date | None:
        text = values.get(column, "")
        if not text:
            if required:
                problem(column, "Värde saknas.")
            return None
        try:
            return parse_iso_date(text)
        except ValueError as exc:
            problem(column, str(exc))
            return None

    reference = values.get("referens", "")
    if not reference:
        problem("referens", "Värde saknas.")
    digits = ""
    try:
        digits = parse_identity_number(values.get("personnummer", "")).digits
    except InvalidIdentityNumber as exc:
        problem("personnummer", exc.message)
    decision_date = date_of("beslutsdatum", required=True)
    decision_type = types.get(_fold(values.get("insats", "")))
    if decision_type is None:
        problem("insats", f"Okänd typ av beslut {values.get('insats', '')!r}.")
    basis = bases.get(_fold(values.get("lagrum", "")))
    if basis is None:
        problem("lagrum", f"Okänt lagrum {values.get('lagrum', '')!r}.")
    elif decision_type is not None:
        allowed = allowed_bases[decision_type.pk]
        same_law = [b for b in allowed if b.pk == basis.pk] or [
            b for b in allowed if _fold(b.short_label) == _fold(values.get("lagrum", ""))
        ]
        basis = _pick_basis(same_law, decision_date) if same_law else basis
    if decision_date is not None and decision_type is not None and basis is not None:
        for field_name, messages in validate_decision_fields(
            municipality=municipality,
            person=Person(municipality=municipality),  # found or registered when the row is written
            decision_date=decision_date,
            decision_type=decision_type,
            legal_basis=basis,
            delay_reason="",
            today=today,
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
            problem("avslutsorsak", "Avslutsorsak krävs när avslutad är ifylld.")
        elif reason_value is None:
            allowed_reasons = ", ".join(str(label) for label in EndReason.labels)
            problem("avslutsorsak", f"Okänd avslutsorsak {end_reason_text!r}; tillåtna: {allowed_reasons}.")
        else:
            events = [(k, d, reason_value if k == EventKind.ENDED else "") for k, d, _r in events]
    elif end_reason_text:
        problem("avslutsorsak", "Avslutsorsak anges bara när avslutad är ifylld.")
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
) -> ImportResult:
    """Import a register, all or nothing: any invalid row and nothing is saved; the error lists
    every problem with its row, column and reason. A known reference is updated.

    The file is streamed in batches: each batch is validated, then written inside the one
    transaction as long as no row so far had a problem; a problem anywhere rolls everything back."""
    from lib.tabular import TableError, open_table

    _require(actor, municipality)
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        table = open_table(filename, stream, limits=upload_limits())
    except TableError as exc:
        raise ImportFailed([ImportProblem(0, "", str(exc))]) from exc
    missing = [column for column in IMPORT_REQUIRED if column not in table.headers]
    if missing:
        raise ImportFailed([ImportProblem(1, column, "Kolumnen saknas i rubrikraden.") for column in missing])
    types = {_fold(t.name): t for t in DecisionType.objects.prefetch_related("legal_bases")}
    allowed_bases = {t.pk: list(t.legal_bases.all()) for t in types.values()}
    bases = _legal_basis_lookup()
    end_reasons = {_fold(str(label)): value for value, label in EndReason.choices}
    problems: list[ImportProblem] = []
    problem_count = 0
    seen_references: dict[str, int] = {}
    result = ImportResult(created=[], updated=[])
    rows_read = 0
    with transaction.atomic():
        try:
            for batch in batched(table.rows, IMPORT_BATCH):
                plans: list[_PlannedDecision] = []
                for number, values in batch:
                    rows_read += 1
                    plan, row_problems = _plan_row(
                        number,
                        values,
                        municipality=municipality,
                        types=types,
                        allowed_bases=allowed_bases,
                        bases=bases,
                        end_reasons=end_reasons,
                        today=today or _today(),
                    )
                    reference = values.get("referens", "")
                    if reference in seen_references:
                        row_problems.append(
                            ImportProblem(
                                number, "referens", f"Referensen finns redan på rad {seen_references[reference]}."
                            )
                        )
                    elif reference:
                        seen_references[reference] = number
                    problem_count += len(row_problems)
                    problems.extend(row_problems[: max(0, IMPORT_MAX_LISTED_PROBLEMS - len(problems))])
                    if plan is not None:
                        plans.append(plan)
                if not problem_count:
                    _write_import_batch(plans, actor=actor, municipality=municipality, context=context, result=result)
        except TableError as exc:
            problem_count += 1
            problems.append(ImportProblem(0, "", str(exc)))
        if not rows_read and not problem_count:
            problem_count += 1
            problems.append(ImportProblem(0, "", "Filen har inga rader med beslut."))
        if problem_count:
            if problem_count > len(problems):
                problems.append(
                    ImportProblem(0, "", f"… och {problem_count - len(problems)} fel till som inte visas här.")
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
        actor=actor, municipality=municipality, people=names, context=context
    )
    existing = {
        reference: (pk, version)
        for reference, pk, version in Decision.objects.filter(
            municipality=municipality, reference__in=[p.reference for p in plans]
        ).values_list("reference", "pk", "version")
    }
    if existing:
        DecisionEvent.objects.filter(decision_id__in=[pk for pk, _version in existing.values()]).delete()
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


# --- Reference data ------------------------------------------------------------------------


def legal_basis_save(
    *, actor: User, form: forms.ModelForm[LegalBasis], context: AuditContext | None = None
) -> LegalBasis:
    with transaction.atomic():
        basis = form.save()
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_DATA_CHANGE,
            context=context,
            object_type="legal_basis",
            object_id=basis.code,
            details={
                "label": basis.label,
                "valid_from": basis.valid_from.isoformat(),
                "valid_to": basis.valid_to.isoformat() if basis.valid_to else None,
            },
        )
    return basis


def decision_type_save(
    *, actor: User, form: forms.ModelForm[DecisionType], context: AuditContext | None = None
) -> DecisionType:
    with transaction.atomic():
        decision_type = form.save()
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_DATA_CHANGE,
            context=context,
            object_type="decision_type",
            object_id=str(decision_type.pk),
            details={"name": decision_type.name, "legal_bases": [b.code for b in decision_type.legal_bases.all()]},
        )
    return decision_type


def report_access_record(
    *,
    actor: User,
    report: QuarterlyReport,
    action: AuditAction,
    context: AuditContext | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """Log that `actor` was shown or given a report (or IVO's individual data from it)."""
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="quarterly_report",
        object_id=str(report.pk),
        municipality_slug=report.municipality.slug,
        details=details or {},
    )
