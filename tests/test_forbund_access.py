"""Another förbund's office reaches nothing of Insjöriket's: every object page is 404."""

from __future__ import annotations

import datetime

from apps.lexheller.services import bug_meeting_create, report_file
from apps.organisations.models import Organisation
from tests.conftest import make_user, verified_client
from tests.forbund_helpers import agreement_for, seed_budget_2023


def test_another_forbunds_office_gets_404_on_every_object(activera, forbund_officer):
    Organisation.objects.create(slug="annat", name="Annat samordningsförbund", kind="forbund")
    officer = make_user("otto.annat", "forbund_officer", "annat")
    admin = make_user("olga.annat", "lexheller_admin", "annat")
    budget = seed_budget_2023(forbund_officer)
    agreement = agreement_for("alingsas", actor=forbund_officer, executor_party="Alingsås kommun, Enhet X")
    insjo_admin = make_user("lea.lexadmin", "lexheller_admin", "insjoriket")
    meeting = bug_meeting_create(
        actor=insjo_admin, forbund=Organisation.objects.get(slug="insjoriket"), date=datetime.date(2030, 1, 1)
    )
    reporter = make_user("fia.fk", "lexheller_reporter", "forsakringskassan")
    report = report_file(
        actor=reporter,
        reporting_organisation=Organisation.objects.get(slug="forsakringskassan"),
        title="Rubrik",
        incident_date=datetime.date(2026, 1, 1),
        authorities=[Organisation.objects.get(slug="forsakringskassan")],
        description="A",
        cause="B",
        consequence="C",
    )
    urls = [
        f"/forbund/budget/{budget.pk}/",
        f"/forbund/overenskommelser/{agreement.pk}/",
        f"/forbund/fakturor/{agreement.invoices.first().pk}/pdf/",
        f"/lexheller/bug/{meeting.pk}/",
        f"/lexheller/{report.pk}/",
    ]
    for user in (officer, admin):
        client = verified_client(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
    listing = verified_client(officer).get("/forbund/overenskommelser/").content.decode()
    assert "Enhet X" not in listing
    assert verified_client(officer).get("/forbund/budget/").content.decode().count("2023") == 0
