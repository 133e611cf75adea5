"""The log page names each object as a reader knows it – the kind in Swedish and its reference,
code or period ("Beslut ALI-2026-7", "Deltagare ALID-…", "Leverans: mars 2026, Alingsås kommun") –
and each municipality by its name, never "decision 401" or a slug."""

from __future__ import annotations

import datetime
import html
import re

from django.utils import timezone

from apps.activera.models import ActivityType
from apps.activera.services import activity_add, referral_accept
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.decisions.services import report_prepare
from lib.quarters import Quarter
from tests.activera_helpers import FAR_FUTURE, deliver, refer, unit
from tests.conftest import make_person, verified_client
from tests.decisions_helpers import decide
from tests.forbund_helpers import seed_budget_2023

D = datetime.date


def _rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _objects(page: str) -> list[str]:
    return [row[3] for row in _rows(page)]


def test_the_log_names_decisions_participants_and_their_records(
    activera, auditor_alingsas, caseworker_alingsas, alingsas
):
    decision = decide(alingsas, "ALI-2026-7", "Kontaktperson", D(2026, 1, 10))
    referral = refer(unit(), serial=31)
    enrolment = referral_accept(
        actor=caseworker_alingsas,
        referral=referral,
        start_date=timezone.localdate() - datetime.timedelta(weeks=3),
        planned_end_date=timezone.localdate() + datetime.timedelta(weeks=5),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )
    kind = ActivityType.objects.filter(programme=activera).first()
    activity = activity_add(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        date=enrolment.start_date,
        activity_type=kind,
        mode="individual",
        digital=False,
        attended=True,
        today=FAR_FUTURE,
    )
    report = report_prepare(actor=None, municipality=alingsas, quarter=Quarter(2026, 1), as_of=D(2026, 4, 5))
    person = make_person(alingsas)
    page = verified_client(auditor_alingsas).get("/logg/").content.decode()
    objects = _objects(page)
    assert "Beslut ALI-2026-7" in objects
    assert f"Intresseanmälan {referral.receipt_number}" in objects
    assert f"Deltagare {enrolment.code}" in objects
    assert f"Aktivitet: {kind.label} {activity.date:%Y-%m-%d}, deltagare {enrolment.code}" in objects
    assert f"Kvartalsrapport för kvartal 1 2026, {alingsas.name}" in objects
    assert f"Person {person.code}" in objects
    assert f"decision {decision.pk}" not in page and f"quarterly_report {report.pk}" not in page
    assert all(row[5] in {"Alingsås kommun", ""} for row in _rows(page))
    assert "alingsas" not in [row[5] for row in _rows(page)]


def test_the_log_names_deliveries_by_period_and_municipality(activera, auditor_alingsas):
    delivery = deliver("alingsas", "monthly", 2026, 3)
    page = verified_client(auditor_alingsas).get("/logg/", {"action": AuditAction.DELIVERY_SUBMIT}).content.decode()
    assert _objects(page) == ["Leverans: mars 2026, Alingsås kommun"]
    assert f"delivery {delivery.pk}" not in page


def test_the_forbunds_own_objects_are_named_by_year_and_name(system_admin):
    seed_budget_2023()
    client = verified_client(system_admin)
    budget = _objects(client.get("/logg/", {"action": AuditAction.BUDGET_CHANGE}).content.decode())
    assert "Budget 2023, Samordningsförbundet Insjöriket" in budget
    assert any(o.startswith("Budgetpost: ") and o.endswith(" (budget 2023)") for o in budget)
    loaded = _objects(client.get("/logg/", {"action": AuditAction.ORGANISATION_LOAD}).content.decode())
    assert loaded == ["Organisation: Samordningsförbundet Insjöriket"]  # logged by its slug


def test_an_object_removed_since_is_still_named_by_its_kind(alingsas, auditor_alingsas):
    audit_record(
        actor=None,
        action=AuditAction.DECISION_VIEW,
        object_type="decision",
        object_id="999999",
        municipality_slug="alingsas",
    )
    page = verified_client(auditor_alingsas).get("/logg/", {"action": AuditAction.DECISION_VIEW}).content.decode()
    assert _objects(page) == ["Beslut 999999 (finns inte längre)"]


def test_every_kind_of_object_the_application_logs_has_a_swedish_name():
    """A new object_type in an audit call must get its Swedish kind on the log page."""
    import pathlib

    from apps.audit.naming import KINDS

    root = pathlib.Path(__file__).resolve().parent.parent / "apps"
    used = set()
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        used |= set(re.findall(r'object_type["\']?\s*[:=]\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used, "no audit calls found"
    assert used - set(KINDS) == set()
