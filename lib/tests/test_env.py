import pytest

from lib.env import EnvironmentError_, env_bool, env_int, env_list, env_str


def test_it_reads_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "30")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 1) == 30
    assert env_list("X_LIST", []) == ["a", "b", "c"]


def test_it_fails_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "kanske")
    monkeypatch.setenv("X_INT", "trettio")
    with pytest.raises(EnvironmentError_):
        env_bool("X_BOOL", False)
    with pytest.raises(EnvironmentError_):
        env_int("X_INT", 1)
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(EnvironmentError_):
        env_str("X_MISSING")
