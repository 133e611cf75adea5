"""Delivery tracking: due dates, on time or late at the edges, the förbund's start page, reminders."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.activera.deliveries import delivery_submit
from apps.activera.models import Delivery
from apps.forbund.models import Agreement
from apps.forbund.tracking import TrackState, expected_deliveries, tracking_summary
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import make_user, verified_client
from tests.forbund_helpers import agreement_for

D = datetime.date


def _submit_on(user, kind: str, year: int, period: int, day: datetime.date, slug: str = "alingsas") -> Delivery:
    delivery = delivery_submit(actor=user, unit=unit(slug), kind=kind, year=year, period=period, today=FAR_FUTURE)
    # The test stands in for the clock: the executor pressed the button on `day`.
    Delivery.objects.filter(pk=delivery.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
    )
    return delivery


def _item(agreement, kind: str, period: int, today: datetime.date):
    return next(e for e in expected_deliveries([agreement], today) if e.kind == kind and e.period == period)


def test_every_period_of_the_agreement_is_owed(activera, forbund_officer):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    items = expected_deliveries([agreement], D(2024, 3, 1))
    kinds = [e.kind for e in items]
    assert kinds.count("monthly") == 12 and kinds.count("tertial") == 3
    assert kinds.count("interim") == 1 and kinds.count("annual") == 1


def test_the_agreements_date_stands_on_a_sunday(activera, forbund_officer, caseworker_alingsas):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    interim = _item(agreement, "interim", 0, D(2023, 9, 10))
    assert interim.due == D(2023, 9, 10)  # a Sunday: the contract date, not a statutory deadline
    _submit_on(caseworker_alingsas, "interim", 2023, 0, D(2023, 9, 11))
    assert _item(agreement, "interim", 0, D(2023, 12, 1)).state == TrackState.LATE


def test_a_deadline_on_a_sunday_moves_to_monday_where_the_agreement_says_so(
    activera, forbund_officer, caseworker_alingsas
):
    agreement = agreement_for("alingsas", actor=forbund_officer, due_dates_move_to_working_day=True)
    interim = _item(agreement, "interim", 0, D(2023, 9, 11))
    assert interim.due == D(2023, 9, 11)  # 10 September 2023 is a Sunday
    assert interim.state == TrackState.DUE
    _submit_on(caseworker_alingsas, "interim", 2023, 0, D(2023, 9, 11))
    assert _item(agreement, "interim", 0, D(2023, 12, 1)).state == TrackState.ON_TIME


def test_delivered_on_the_due_day_is_on_time_and_the_day_after_is_late(activera, forbund_officer, caseworker_alingsas):
    agreement = agreement_for("alingsas", actor=forbund_officer, due_dates_move_to_working_day=True)
    # March 2023 is due 10 April 2023 – Easter Monday – so the 11th.
    march = _item(agreement, "monthly", 3, D(2023, 4, 1))
    assert march.due == D(2023, 4, 11)
    _submit_on(caseworker_alingsas, "monthly", 2023, 3, D(2023, 4, 11))
    _submit_on(caseworker_alingsas, "monthly", 2023, 4, D(2023, 5, 11))  # due Wednesday 10 May
    assert _item(agreement, "monthly", 3, D(2023, 6, 1)).state == TrackState.ON_TIME
    assert _item(agreement, "monthly", 4, D(2023, 6, 1)).state == TrackState.LATE


def test_not_delivered_is_due_until_the_day_after_the_deadline(activera, forbund_officer):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    assert _item(agreement, "tertial", 1, D(2023, 4, 30)).state == TrackState.UPCOMING
    assert _item(agreement, "tertial", 1, D(2023, 5, 10)).state == TrackState.DUE
    assert _item(agreement, "tertial", 1, D(2023, 5, 11)).state == TrackState.OVERDUE


def test_the_forbund_start_page_shows_late_due_and_received(activera, forbund_officer, caseworker_alingsas):
    today = timezone.localdate()
    year = today.year - 1
    agreement_for("alingsas", year=year, actor=forbund_officer)
    agreement_for("lerum", year=year, actor=forbund_officer)
    _submit_on(caseworker_alingsas, "annual", year, 0, today)
    summary = tracking_summary(Agreement.objects.all(), today)
    assert any(e.executor == "ACTivera Alingsås" and e.kind == "annual" for e in summary.received)
    assert summary.overdue  # every month of last year from Lerum is late
    page = verified_client(forbund_officer).get("/").content.decode()
    assert "Försenade leveranser" in page and "ACTivera Lerum" in page
    assert "Inkomna de senaste 30 dagarna" in page


def test_the_tracking_page_lists_the_year(activera, forbund_officer, caseworker_alingsas):
    agreement_for("alingsas", actor=forbund_officer)
    _submit_on(caseworker_alingsas, "monthly", 2023, 1, D(2023, 2, 3))
    page = verified_client(forbund_officer).get("/forbund/leveranser/", {"year": 2023}).content.decode()
    assert "2023-01" in page and "Inlämnad i tid" in page and "Försenad" in page


def test_remind_mails_the_executor_and_the_forbund_office(activera, forbund_officer, caseworker_alingsas):
    caseworker_alingsas.email = "ann@alingsas.example"
    caseworker_alingsas.save()
    forbund_officer.email = "kim@insjoriket.example"
    forbund_officer.save()
    make_user("utan.epost", "executor_caseworker", "alingsas-activera")
    agreement_for("alingsas", actor=forbund_officer)
    _submit_on(caseworker_alingsas, "monthly", 2023, 1, D(2023, 2, 3))
    call_command("forbund", "remind", "--date", "2023-03-06")
    # February is due 10 March, within a week; January is in; nothing is late, so the office hears nothing.
    assert [m.to for m in mail.outbox] == [["ann@alingsas.example"]]
    assert "2023-02" in mail.outbox[0].body and "2023-01" not in mail.outbox[0].body
    mail.outbox.clear()
    call_command("forbund", "remind", "--date", "2023-03-14")
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert recipients == ["ann@alingsas.example", "kim@insjoriket.example"]
    office_mail = next(m for m in mail.outbox if m.to == ["kim@insjoriket.example"])
    assert "försenade" in office_mail.subject and "2023-02" in office_mail.body


def test_remind_sends_nothing_when_nothing_is_due(activera, forbund_officer, caseworker_alingsas):
    caseworker_alingsas.email = "ann@alingsas.example"
    caseworker_alingsas.save()
    agreement_for("alingsas", actor=forbund_officer)
    call_command("forbund", "remind", "--date", "2023-01-15")
    assert mail.outbox == []


def test_a_caseworker_sees_no_other_municipalitys_delivery_or_personal_data(
    activera, caseworker_alingsas, caseworker_lerum
):
    refer(unit("lerum"), received_on=D(2026, 3, 2), serial=5, residence="lerum")
    lerum_client = verified_client(caseworker_lerum)
    alingsas_client = verified_client(caseworker_alingsas)
    preview = f"/deltagare/leveranser/forhandsvisning/?unit={unit('lerum').pk}&kind=monthly&year=2026&period=3"
    # Before submission: the Lerum preview is Lerum's alone.
    assert lerum_client.get(preview).status_code == 200
    assert alingsas_client.get(preview).status_code == 404
    delivery = delivery_submit(
        actor=caseworker_lerum, unit=unit("lerum"), kind="monthly", year=2026, period=3, today=FAR_FUTURE
    )
    # After submission: still only Lerum and the förbund see it, and it carries no personal data.
    assert alingsas_client.get(f"/deltagare/leveranser/{delivery.pk}/").status_code == 404
    assert alingsas_client.get(f"/forbund/leveranser/{delivery.pk}/").status_code == 404
    assert "Fiktiv" not in str(delivery.content) and "LER-" not in str(delivery.content)
    listing = alingsas_client.get("/deltagare/leveranser/").content.decode()
    assert "ACTivera Lerum" not in listing
