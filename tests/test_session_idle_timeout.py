"""The idle timeout slides with use, yet the session is written at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.core.session_touch import TOUCHED_KEY


def _stored_expiry(client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_session_lives_the_idle_timeout_after_the_last_write():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert settings.SESSION_TOUCH_SECONDS == 60
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


def test_a_page_view_within_the_minute_does_not_rewrite_the_session(caseworker_alingsas):
    from tests.conftest import verified_client

    client = verified_client(caseworker_alingsas)
    client.get("/")
    before = _stored_expiry(client)
    response = client.get("/")
    assert response.status_code == 200
    assert _stored_expiry(client) == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_page_view_after_the_minute_pushes_the_expiry_forward(caseworker_alingsas):
    from tests.conftest import verified_client

    client = verified_client(caseworker_alingsas)
    session = client.session
    session[TOUCHED_KEY] = int(timezone.now().timestamp())
    session.save()
    client.get("/")
    session = client.session
    # As if the last write were two minutes ago: its expiry and its stamp both that much older.
    session[TOUCHED_KEY] = int(session[TOUCHED_KEY]) - 120
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)
    )
    old_expiry = _stored_expiry(client)
    client.get("/")
    new_expiry = _stored_expiry(client)
    assert new_expiry - old_expiry >= timedelta(seconds=100)
    assert new_expiry - timezone.now() > timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


@pytest.mark.django_db
def test_an_anonymous_visit_creates_no_session(client):
    client.get("/konto/logga-in/")
    assert Session.objects.count() == 0
