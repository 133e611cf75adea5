"""Small response helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponse


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file the browser saves under `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
