"""The link between the settings' keyring and person rows."""

from __future__ import annotations

from django.conf import settings

from lib.crypto import Keyring


def keyring() -> Keyring:
    ring: Keyring = settings.INSYN_KEYRING
    return ring


def number_context(municipality_slug: str) -> str:
    # Bound into the ciphertext and the hash: a value copied to another municipality's row
    # fails authentication, and equal numbers hash differently per municipality.
    return f"person:{municipality_slug}"
