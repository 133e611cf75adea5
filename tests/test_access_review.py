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
    header, *rows = _rows(response)
    assert header[:4] == ["Användarnamn", "Namn", "Roll", "Organisation"]
    assert "Aldrig inloggad" in header and "Vilande > 90 dagar" in header
    by_user = {(row[0], row[2]): dict(zip(header, row, strict=True)) for row in rows}
    controller = by_user[("lukas.controller", "Verksamhetscontroller (nämndens årsbokslut)")]
    assert controller["Vilande > 90 dagar"] == "Ja" and controller["Aldrig inloggad"] in (None, "")
    assert by_user[("lars.lerum", "Revisor")]["Gäller till"] == timezone.localdate().isoformat()
    assert all(row[0] != "ann.alingsas" for row in rows)
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REVIEW_EXPORT, actor_username="lena.revisor").exists()


def test_a_local_administrator_reviews_their_own_subtree(insjoriket, caseworker_lerum, caseworker_alingsas):
    admin = make_user("admin.lerum", "local_admin", "lerum")
    body = verified_client(admin).get("/konto/behorighetsgranskning/").content.decode()
    assert "lars.lerum" in body and "ann.alingsas" not in body


def test_a_system_administrator_reviews_everything(system_admin, caseworker_lerum, caseworker_alingsas):
    body = verified_client(system_admin).get("/konto/behorighetsgranskning/").content.decode()
    assert "lars.lerum" in body and "ann.alingsas" in body and "sam.admin" in body


def test_a_caseworker_may_not_review_access(caseworker_lerum):
    assert verified_client(caseworker_lerum).get("/konto/behorighetsgranskning/").status_code == 403
