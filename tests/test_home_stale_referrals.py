"""The caseworker's start page warns about referrals left under Nya for more than 14 days, by the
referral list's rule (apps.activera.views.REFERRAL_WAIT_DAYS)."""

import datetime

from django.utils import timezone

from tests.activera_helpers import refer, unit
from tests.conftest import verified_client


def test_the_start_page_warns_about_referrals_waiting_more_than_14_days(activera, caseworker_alingsas):
    today = timezone.localdate()
    refer(unit(), serial=61, received_on=today - datetime.timedelta(days=15))
    refer(unit(), serial=62, received_on=today - datetime.timedelta(days=14))  # exactly 14: not yet
    refer(unit(), serial=63, received_on=today)
    html = verified_client(caseworker_alingsas).get("/").content.decode()
    assert "3 nya intresseanmälningar väntar." in html
    assert "1 intresseanmälan har väntat under Nya i mer än 14 dagar." in html
    assert 'href="/deltagare/anmalningar/"' in html


def test_no_warning_when_every_referral_is_recent(activera, caseworker_alingsas):
    refer(unit(), serial=64, received_on=timezone.localdate())
    html = verified_client(caseworker_alingsas).get("/").content.decode()
    assert "har väntat under Nya" not in html
