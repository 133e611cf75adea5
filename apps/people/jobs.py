"""The person register's export as a background job: a large municipality's register is too big
to build within a request. The worker streams the rows straight into the file (one row in
memory at a time), audits the export with every person's code, and the file is deleted
INSYN_JOB_FILE_HOURS after the job ends (it holds personal identity numbers in the clear)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission
from apps.audit.models import AuditAction
from apps.core.xlsx import XLSX_MIME
from apps.jobs import storage
from apps.jobs.models import JobKind
from apps.jobs.registry import JobInput, register_job_handler
from apps.jobs.services import job_audit_context
from insyn.errors import NotPermitted
from lib.spreadsheet import Value, write_rows_workbook

from .selectors import identity_number_of, people_for_user
from .services import person_codes_access_record

# The file is made in the language of the person who started the job (apps/jobs/services.py).
EXPORT_HEADER = [
    gettext_lazy("Kod"),
    gettext_lazy("Kommun"),
    gettext_lazy("Efternamn"),
    gettext_lazy("Förnamn"),
    gettext_lazy("Personnummer"),
    gettext_lazy("Födelseår"),
    gettext_lazy("Juridiskt kön"),
]
EXPORT_FILENAME = "personregister.xlsx"


def run_people_export(job_input: JobInput) -> dict[str, Any]:
    job = job_input.job
    actor = job.started_by
    # The grants are read when the worker runs, not when the job was queued: a grant that ended
    # in between no longer lets the file be made.
    if not isinstance(actor, User) or not has_permission(actor, Permission.PERSON_EXPORT):
        raise NotPermitted(_("Du har inte längre behörighet att exportera personregistret."))
    people = people_for_user(actor, permission=Permission.PERSON_EXPORT).order_by("municipality__name", "code")
    total = max(1, people.count())
    codes: dict[str, list[str]] = {}

    def rows() -> Iterator[list[Value]]:
        for person in people.iterator(chunk_size=2000):
            codes.setdefault(person.municipality.slug, []).append(person.code)
            yield [
                person.code,
                person.municipality.name,
                person.last_name,
                person.first_name,
                identity_number_of(person),
                person.birth_year,
                person.get_legal_sex_display(),
            ]

    stored, path = storage.result_path(job.pk, EXPORT_FILENAME)
    count = write_rows_workbook(
        path,
        title=_("Personregister"),
        header=[str(name) for name in EXPORT_HEADER],
        rows=rows(),
        on_row=lambda n: job_input.progress(n * 100 // total) if n % 500 == 0 else None,
    )
    with transaction.atomic():
        person_codes_access_record(
            actor=actor,
            codes_by_municipality=codes,
            action=AuditAction.PERSON_EXPORT,
            context=job_audit_context(job),
            details={"format": "xlsx", "job": job.pk},
        )
    return {
        "file": stored,
        "filename": EXPORT_FILENAME,
        "content_type": XLSX_MIME,
        "rows": count,
        "municipalities": sorted(codes),
    }


def register() -> None:
    register_job_handler(JobKind.PEOPLE_EXPORT, run_people_export)
