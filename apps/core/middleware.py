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


# The sentence Django's technical 404 and 500 pages carry; pages Insyn renders never do.
_TECHNICAL_PAGE_MARK = b"DEBUG = True"


class UserErrorPagesMiddleware:
    """With DEBUG on (the demo of `make run`) Django answers a missing page, a refusal and a crash
    with its technical pages (URL patterns, tracebacks, settings). A newcomer trying the demo should
    meet the Swedish pages a production user meets, so those technical answers are replaced;
    INSYN_TECHNICAL_ERRORS=true gives a developer the technical pages back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from apps.core import views

        response = self.get_response(request)
        if not settings.DEBUG or settings.INSYN_TECHNICAL_ERRORS or response.status_code not in (403, 404, 500):
            return response
        if getattr(response, "streaming", False) or _TECHNICAL_PAGE_MARK not in response.content:
            return response
        if response.status_code == 404:
            return views.not_found(request)
        if response.status_code == 403:
            return views.permission_denied(request)
        return views.server_error(request)
