"""The access review: who holds which role where, for auditors (their municipality's subtree),
local administrators (their subtree) and system administrators (all); page and XLSX, audited."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import User
from apps.accounts.services import role_grant
from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import make_user, verified_client


def _rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_an_auditor_of_lerum_sees_lerum_and_its_units_but_not_alingsas(
    auditor_lerum, caseworker_lerum, caseworker_alingsas
):
    response = verified_client(auditor_lerum).get("/konto/behorighetsgranskning/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "lars.lerum" in body and "Handläggare hos utförare" in body
    assert "ann.alingsas" not in body
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REVIEW_VIEW, actor_username="lena.revisor").exists()


def test_the_export_marks_never_logged_in_and_dormant_holders(auditor_lerum, caseworker_lerum, controller_lerum):
    User.objects.filter(pk=controller_lerum.pk).update(last_login=timezone.now() - datetime.timedelta(days=120))
    role_grant(user=caseworker_lerum, role="auditor", organisation_slug="lerum", valid_until=timezone.localdate())
    response = verified_client(auditor_lerum).get("/konto/behorighetsgranskning/export.xlsx")
    assert response.status_code == 200
    title, header, *rows = _rows(response)
    assert title[0] == f"Behörighetsgranskning Lerums kommun {timezone.localdate().isoformat()}"
    assert header[:4] == ["Användarnamn", "Namn", "Roll", "Organisation"]
    assert "Aldrig inloggad" in header and "Vilande > 90 dagar" in header
    by_user = {(row[0], row[2]): dict(zip(header, row, strict=True)) for row in rows}
    controller = by_user[("lukas.controller", "Verksamhetscontroller (nämndens årsbokslut)")]
    assert controller["Vilande > 90 dagar"] == "Ja" and controller["Aldrig inloggad"] in (None, "")
    # Real date cells: openpyxl reads them back as datetimes, not text.
    assert by_user[("lars.lerum", "Revisor")]["Gäller till"] == datetime.datetime.combine(
        timezone.localdate(), datetime.time()
    )
    assert isinstance(controller["Senast inloggad"], datetime.datetime)
    assert isinstance(controller["Tilldelad"], datetime.datetime)
    assert all(row[0] != "ann.alingsas" for row in rows)
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REVIEW_EXPORT, actor_username="lena.revisor").exists()


def test_the_export_writes_dates_as_date_cells_in_yyyy_mm_dd(auditor_lerum, caseworker_lerum):
    start = timezone.localdate() - datetime.timedelta(days=3)
    role_grant(user=caseworker_lerum, role="auditor", organisation_slug="lerum", valid_from=start)
    response = verified_client(auditor_lerum).get("/konto/behorighetsgranskning/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("Behörighetsgranskning Lerums kommun")
    assert sheet["A2"].value == "Användarnamn"
    header = [cell.value for cell in sheet[2]]
    column = header.index("Gäller från") + 1
    cells = [sheet.cell(row=row, column=column) for row in range(3, sheet.max_row + 1)]
    dated = [cell for cell in cells if cell.value is not None]
    assert dated and all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in dated)
    assert start in {cell.value.date() for cell in dated}


def test_a_local_administrator_reviews_their_own_subtree(insjoriket, caseworker_lerum, caseworker_alingsas):
    admin = make_user("admin.lerum", "local_admin", "lerum")
    body = verified_client(admin).get("/konto/behorighetsgranskning/").content.decode()
    assert "lars.lerum" in body and "ann.alingsas" not in body


def test_a_system_administrator_reviews_everything(system_admin, caseworker_lerum, caseworker_alingsas):
    body = verified_client(system_admin).get("/konto/behorighetsgranskning/").content.decode()
    assert "lars.lerum" in body and "ann.alingsas" in body and "sam.admin" in body


def test_a_caseworker_may_not_review_access(caseworker_lerum):
    assert verified_client(caseworker_lerum).get("/konto/behorighetsgranskning/").status_code == 403
