"""The sliding idle timeout, with the session written at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST rewrites the session row (and re-sends the cookie) on every
request just to push its expiry forward: one UPDATE per page view. Writing it only when the last
write is at least SESSION_TOUCH_SECONDS old keeps the timeout within that margin (the session lives
between SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS and SESSION_COOKIE_AGE after the last request) at
a fraction of the writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED_KEY = "insyn_touched_at"


class SessionTouchMiddleware:
    """Placed after SessionMiddleware, so its response part runs first and the save follows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # An empty session (an anonymous visitor, or one just logged out) is not created or kept.
        if session is None or session.is_empty() or not session.keys():
            return response
        now = int(time.time())
        # Every session Insyn makes gets its stamp at login (the login writes the session anyway); one
        # made elsewhere (a test's force_login) starts sliding at its first write of its own.
        touched = session.get(TOUCHED_KEY)
        if session.modified or (touched is not None and now - int(touched) >= settings.SESSION_TOUCH_SECONDS):
            session[TOUCHED_KEY] = now
        return response
