"""Authenticated encryption of single values with key ids, and keyed look-up hashes.

Ciphertexts look like ``v1:<key id>:<base64(nonce || AES-256-GCM ciphertext)>``. Keeping the key
id in the value lets old keys stay readable while `insyn keys rotate` re-encrypts row by row,
so rotation needs no downtime.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_VERSION = "v1"


class KeyringError(ValueError):
    pass


class DecryptionError(ValueError):
    pass


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise KeyringError("Key is not valid base64.") from exc
    if len(key) != 32:
        raise KeyringError(f"Key must be 32 bytes, got {len(key)}.")
    return key


def parse_keys(text: str) -> dict[str, bytes]:
    """Parse ``id:base64key,id2:base64key`` as used in INSYN_ENCRYPTION_KEYS."""
    keys: dict[str, bytes] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise KeyringError(f"Malformed key entry {key_id!r}: expected id:base64key.")
        if key_id in keys:
            raise KeyringError(f"Key id {key_id!r} appears twice.")
        keys[key_id] = decode_key(encoded)
    if not keys:
        raise KeyringError("No keys given.")
    return keys


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active_key_id: str
    lookup_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.active_key_id not in self.keys:
            raise KeyringError(f"Active key id {self.active_key_id!r} is not among the keys.")
        if len(self.lookup_key) < 32:
            raise KeyringError("The look-up key must be at least 32 bytes.")

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.active_key_id]).encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        payload = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{_VERSION}:{self.active_key_id}:{payload}"

    def decrypt(self, token: str, *, context: str) -> str:
        version, key_id, payload = key_parts(token)
        if version != _VERSION:
            raise DecryptionError(f"Unknown ciphertext version {version!r}.")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"Key {key_id!r} is not configured.")
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
        try:
            plain = AESGCM(key).decrypt(raw[:12], raw[12:], context.encode("utf-8"))
        except InvalidTag as exc:
            raise DecryptionError("Ciphertext failed authentication.") from exc
        return plain.decode("utf-8")

    def lookup_hash(self, value: str, *, context: str) -> str:
        """A keyed hash for exact look-up; `context` keeps equal values in two scopes unrelated."""
        message = f"{context}\x00{value}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()


def key_parts(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3:
        raise DecryptionError("Malformed ciphertext.")
    return parts[0], parts[1], parts[2]
