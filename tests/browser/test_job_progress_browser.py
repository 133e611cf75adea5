"""The job page in Chromium: the progress bar follows the job (htmx polls every second), the
outcome replaces it when the job ends, and each state passes axe-core."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.jobs.models import Job, JobKind, JobState
from tests.browser.test_login_and_accessibility import assert_accessible, submit
from tests.conftest import PASSWORD
from tests.test_decision_import import GOOD, PNR_A, _csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/konto/tvafaktor/**")
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
    submit(page.get_by_role("button", name="Fortsätt"))
    page.wait_for_url(lambda url: url.endswith("/"))


def test_the_progress_bar_follows_the_job_and_the_outcome_replaces_it(page, registrar_alingsas, alingsas):
    _log_in(page, registrar_alingsas)
    job = Job.objects.create(
        kind=JobKind.DECISIONS_IMPORT, started_by=registrar_alingsas, organisation=alingsas, state=JobState.RUNNING
    )
    Job.objects.filter(pk=job.pk).update(progress=30)
    page.goto(f"/jobb/{job.pk}/")
    bar = page.locator("progress#job-progress")
    assert bar.get_attribute("value") == "30"
    assert_accessible(page)
    Job.objects.filter(pk=job.pk).update(progress=60)
    page.locator('#job-progress[value="60"]').wait_for(timeout=5000)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE, progress=100, result={"created": ["A-1", "A-2", "A-3"], "updated": []}
    )
    page.get_by_text("3 beslut lades till").wait_for(timeout=5000)
    assert_accessible(page)


def test_an_import_from_the_page_ends_on_the_job_page_with_every_problem(
    page, reference_data, registrar_alingsas, alingsas, tmp_path
):
    _log_in(page, registrar_alingsas)
    bad = tmp_path / "register.csv"
    bad.write_bytes(_csv(f"A-1;{PNR_A};2022-02-30;Kontaktfamilj;4 kap. 1 § SoL;;;;;;"))
    page.goto("/beslut/import/")
    page.get_by_label("Kommun").select_option(str(alingsas.pk))
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Importera").click()
    page.wait_for_url("**/jobb/**")
    assert "Inget importerades: 1 fel." in page.content()
    assert "Rad 2, kolumn beslutsdatum" in page.content()
    assert_accessible(page)
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    page.goto("/beslut/import/")
    page.get_by_label("Kommun").select_option(str(alingsas.pk))
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Importera").click()
    page.wait_for_url("**/jobb/**")
    assert "3 beslut lades till" in page.content()
    assert_accessible(page)
