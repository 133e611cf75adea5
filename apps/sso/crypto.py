"""The client secret is kept encrypted with the deployment's keyring, like identity numbers."""

from __future__ import annotations

from django.conf import settings

from lib.crypto import Keyring

_CONTEXT = "sso.client_secret"


def _ring() -> Keyring:
    ring: Keyring = settings.INSYN_KEYRING
    return ring


def secret_seal(secret: str, *, provider_slug: str) -> str:
    return _ring().encrypt(secret, context=f"{_CONTEXT}:{provider_slug}") if secret else ""


def secret_open(sealed: str, *, provider_slug: str) -> str:
    return _ring().decrypt(sealed, context=f"{_CONTEXT}:{provider_slug}") if sealed else ""
