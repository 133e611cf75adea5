"""The goals and key figures page in Chromium: the controller opens it from the report, enters an
outcome, sees a wrong entry refused with its error summary, and axe finds nothing on the page,
wide and narrow. Set INSYN_SCREENSHOTS to a folder to keep screenshots of the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.yearend.example import load_example
from apps.yearend.models import KeyFigure, KeyFigureOrigin, KeyFigureValue
from apps.yearend.services.editing import year_report_reopen
from tests.browser.test_login_and_accessibility import assert_accessible, submit
from tests.browser.test_yearend_browser import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    folder = os.environ.get("INSYN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_controller_enters_an_outcome_on_the_goals_page_and_axe_finds_nothing(
    page, insjoriket, controller_alingsas, head_alingsas
):
    report = year_report_reopen(actor=head_alingsas, report=load_example("alingsas-2022"))
    figure = KeyFigure.objects.get(table__council_goal__namnd=report.namnd, name__startswith="Antal hushåll")
    _login(page, controller_alingsas)
    page.goto(f"/arsbokslut/{report.pk}/")
    page.get_by_role("link", name="Mål och nyckeltal").click()
    page.wait_for_url(f"**/arsbokslut/{report.pk}/mal-och-nyckeltal/")
    assert page.get_by_role("heading", name="Mål och nyckeltal 2022").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    _shoot(page, "goals-1280")

    edit = page.locator(f"#kf-{figure.pk}")
    edit.locator("summary").first.click()
    edit.get_by_label("Utfall 2022").fill("12,3,4")
    submit(edit.get_by_role("button", name="Spara utfallen"))
    summary = page.locator("[data-error-summary]")
    assert "”12,3,4” är inget tal" in summary.inner_text()
    assert_accessible(page)
    _shoot(page, "goals-error")

    edit = page.locator(f"#kf-{figure.pk}")
    edit.get_by_label("Utfall 2022").fill("240")
    submit(edit.get_by_role("button", name="Spara utfallen"))
    assert "Utfallen för" in page.locator(".messages").inner_text()
    value = KeyFigureValue.objects.get(key_figure=figure, year=2022)
    assert (value.value, value.origin) == (240, KeyFigureOrigin.MANUAL)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    _shoot(page, "goals-390")
