from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Everything is served by the application itself; no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if getattr(getattr(request, "user", None), "is_authenticated", False):
            # Pages with personal data must not linger in shared caches or the back button.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in the path or a query parameter is never a real code, search or choice, and PostgreSQL
    refuses it in any text comparison (a server error rather than an answer). Rejected here once
    with 400 instead of at every view that reads a parameter; form fields already refuse it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in text for key, values in request.GET.lists() for text in [key, *values]
        ):
            from apps.core.views import bad_request

            return bad_request(request, reason=_("Adressen innehåller ett nolltecken (NUL), som inte är tillåtet."))
        return self.get_response(request)
