"""The language a logged-in person chose follows them to every browser they log in from."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """After authentication: the account's language, where chosen, wins over the cookie and the
    browser's Accept-Language (which LocaleMiddleware has already applied)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES) and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def language_of(user: object) -> str:
    """The language to write to this person in (e-mails): their choice, else Swedish."""
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
