"""The demo runs with DEBUG on; its users still meet the Swedish error pages, not Django's
technical pages with URL patterns and tracebacks (unless a developer asks for them)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from tests.conftest import verified_client


def _crash(request):
    raise RuntimeError("boom")


# The application's URLs with one view that crashes, as the root of the crash test.
urlpatterns = [path("krasch/", _crash), path("", include("insyn.urls"))]
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"


@pytest.fixture
def crash_urls(settings):
    settings.ROOT_URLCONF = "tests.test_error_pages_in_the_demo"


@override_settings(DEBUG=True)
def test_a_missing_page_in_the_demo_is_the_swedish_page_without_url_patterns(db):
    response = Client().get("/finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Sidan finns inte" in html
    assert "DEBUG = True" not in html and "URLconf" not in html


@override_settings(DEBUG=True)
def test_a_crash_in_the_demo_is_the_swedish_page_without_a_traceback(db, crash_urls):
    response = Client(raise_request_exception=False).get("/krasch/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in html and "boom" not in html
    assert "DEBUG = True" not in html


@override_settings(DEBUG=True)
def test_a_missing_object_for_a_logged_in_user_is_the_swedish_page(registrar_alingsas):
    response = verified_client(registrar_alingsas).get("/beslut/999999/")
    assert response.status_code == 404
    assert "DEBUG = True" not in response.content.decode()


@override_settings(DEBUG=True, INSYN_TECHNICAL_ERRORS=True)
def test_a_developer_can_have_the_technical_page_back(db):
    assert "DEBUG = True" in Client().get("/finns-inte/").content.decode()
