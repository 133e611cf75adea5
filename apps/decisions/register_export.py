"""The register of favourable decisions of one municipality as an XLSX file, made by a background
job: the largest municipality has a hundred thousand decisions. Rows are streamed into the file,
each decision with its person, its type and legal basis, and every event in date order (the
columns hold the first execution, the latest interruption and resumption, and the end; the
column "Händelser" keeps the whole history). The file holds identity numbers in the clear and
is deleted INSYN_JOB_FILE_HOURS after the job ends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_stubs_ext import StrOrPromise

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.core.xlsx import XLSX_MIME
from apps.jobs import storage
from apps.jobs.registry import JobInput
from apps.jobs.services import job_audit_context
from apps.people.selectors import identity_number_of
from insyn.errors import NotPermitted
from lib.spreadsheet import Value, write_rows_workbook

from .models import Decision, DecisionEvent, DecisionEventKind
from .services import decision_export_record

# The file is for the municipality's own use, so it speaks the language of whoever started the job.
EXPORT_HEADER: list[StrOrPromise] = [
    gettext_lazy("Referens"),
    gettext_lazy("Personkod"),
    gettext_lazy("Personnummer"),
    gettext_lazy("Efternamn"),
    gettext_lazy("Förnamn"),
    gettext_lazy("Beslutsdatum"),
    gettext_lazy("Typ av beslut"),
    gettext_lazy("Lagrum"),
    gettext_lazy("Första verkställighet"),
    gettext_lazy("Senaste avbrott"),
    gettext_lazy("Senast återupptaget"),
    gettext_lazy("Avslutat"),
    pgettext_lazy("decision", "Avslutsorsak"),
    gettext_lazy("Skyddad identitet"),
    gettext_lazy("Händelser"),
]


def _row(decision: Decision) -> list[Value]:
    events: list[DecisionEvent] = sorted(decision.events.all(), key=lambda event: (event.date, event.pk))

    def first(kind: str) -> str:
        return next((e.date.isoformat() for e in events if e.kind == kind), "")

    def last(kind: str) -> str:
        return next((e.date.isoformat() for e in reversed(events) if e.kind == kind), "")

    ended = next((e for e in reversed(events) if e.kind == DecisionEventKind.ENDED), None)
    return [
        decision.reference,
        decision.person.code,
        identity_number_of(decision.person),
        decision.person.last_name,
        decision.person.first_name,
        decision.decision_date.isoformat(),
        decision.decision_type.name,
        decision.legal_basis.label,
        first(DecisionEventKind.EXECUTED),
        last(DecisionEventKind.INTERRUPTED),
        last(DecisionEventKind.RESUMED),
        ended.date.isoformat() if ended else "",
        ended.get_end_reason_display() if ended else "",
        _("Ja") if decision.protected_identity else _("Nej"),
        "; ".join(f"{e.get_kind_display().lower()} {e.date.isoformat()}" for e in events),
    ]


def run_decisions_export(job_input: JobInput) -> dict[str, Any]:
    job = job_input.job
    actor, municipality = job.started_by, job.organisation
    # The grants are read when the worker runs: one that ended since the start stops the file.
    if (
        not isinstance(actor, User)
        or municipality is None
        or municipality not in municipalities_with(actor, Permission.DECISION_MANAGE)
    ):
        raise NotPermitted(_("Du har inte längre behörighet att exportera kommunens beslutsregister."))
    decisions = (
        Decision.objects.filter(municipality=municipality)
        .select_related("municipality", "person__municipality", "decision_type", "legal_basis")
        .prefetch_related("events")
        .order_by("decision_date", "reference", "pk")
    )
    total = max(1, decisions.count())
    codes: list[str] = []

    def rows() -> Iterator[list[Value]]:
        for decision in decisions.iterator(chunk_size=2000):
            codes.append(decision.person.code)
            yield _row(decision)

    filename = f"beslutsregister-{municipality.slug}.xlsx"
    stored, path = storage.result_path(job.pk, filename)
    count = write_rows_workbook(
        path,
        title=_("Beslut %(municipality)s") % {"municipality": municipality.name},
        header=[str(column) for column in EXPORT_HEADER],
        rows=rows(),
        on_row=lambda n: job_input.progress(n * 100 // total) if n % 500 == 0 else None,
    )
    with transaction.atomic():
        decision_export_record(
            actor=actor, municipality=municipality, codes=codes, count=count, context=job_audit_context(job)
        )
    return {
        "file": stored,
        "filename": filename,
        "content_type": XLSX_MIME,
        "rows": count,
        "municipalities": [municipality.slug],
    }
