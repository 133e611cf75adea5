import pytest

from lib.crypto import DecryptionError, Keyring, KeyringError, encode_key, new_key, parse_keys


def _ring(active: str = "a", keys: dict[str, bytes] | None = None) -> Keyring:
    keys = keys or {"a": new_key()}
    return Keyring(keys=keys, active_key_id=active, lookup_key=new_key())


def test_it_round_trips_a_value():
    ring = _ring()
    token = ring.encrypt("198112189876", context="person:alingsas")
    assert "198112189876" not in token
    assert token.startswith("v1:a:")
    assert ring.decrypt(token, context="person:alingsas") == "198112189876"


def test_each_encryption_uses_a_fresh_nonce():
    ring = _ring()
    assert ring.encrypt("x", context="c") != ring.encrypt("x", context="c")


def test_a_value_moved_to_another_context_fails_authentication():
    ring = _ring()
    token = ring.encrypt("198112189876", context="person:alingsas")
    with pytest.raises(DecryptionError):
        ring.decrypt(token, context="person:lerum")


def test_a_tampered_value_fails_authentication():
    ring = _ring()
    token = ring.encrypt("198112189876", context="c")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        ring.decrypt(tampered, context="c")


def test_old_keys_stay_readable_after_a_new_key_becomes_active():
    old, new = new_key(), new_key()
    before = Keyring(keys={"k1": old}, active_key_id="k1", lookup_key=b"l" * 32)
    token = before.encrypt("secret", context="c")
    after = Keyring(keys={"k1": old, "k2": new}, active_key_id="k2", lookup_key=b"l" * 32)
    assert after.decrypt(token, context="c") == "secret"
    assert after.encrypt("secret", context="c").startswith("v1:k2:")


def test_an_unknown_key_id_is_reported():
    token = _ring().encrypt("x", context="c")
    with pytest.raises(DecryptionError):
        _ring().decrypt(token, context="c")


def test_lookup_hashes_are_stable_and_scoped():
    ring = _ring()
    assert ring.lookup_hash("1", context="alingsas") == ring.lookup_hash("1", context="alingsas")
    assert ring.lookup_hash("1", context="alingsas") != ring.lookup_hash("1", context="lerum")


def test_it_parses_the_environment_key_list():
    one, two = encode_key(new_key()), encode_key(new_key())
    keys = parse_keys(f"2026a:{one}, 2026b:{two}")
    assert list(keys) == ["2026a", "2026b"]


@pytest.mark.parametrize("text", ["", "nocolon", "a:short", f"a:{encode_key(new_key())},a:{encode_key(new_key())}"])
def test_it_refuses_malformed_key_lists(text):
    with pytest.raises(KeyringError):
        parse_keys(text)


def test_the_active_key_must_exist():
    with pytest.raises(KeyringError):
        Keyring(keys={"a": new_key()}, active_key_id="b", lookup_key=new_key())
