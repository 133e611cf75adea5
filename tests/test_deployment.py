"""Production settings, checked in a separate process with production environment variables."""

import os
import subprocess
import sys

import pytest

from lib.crypto import encode_key, new_key


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INSYN_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        INSYN_ENV="production",
        INSYN_SECRET_KEY="p" * 20 + encode_key(new_key()),
        INSYN_ALLOWED_HOSTS="insyn.example.se",
        DATABASE_URL="postgres://insyn@127.0.0.1:5432/insyn",
        INSYN_ENCRYPTION_KEYS=f"2026a:{encode_key(new_key())}",
        INSYN_ACTIVE_KEY_ID="2026a",
        INSYN_LOOKUP_KEY=encode_key(new_key()),
        INSYN_AUDIT_KEY=encode_key(new_key()),
        DJANGO_SETTINGS_MODULE="insyn.settings",
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "insyn.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["INSYN_ENCRYPTION_KEYS", "INSYN_SECRET_KEY", "DATABASE_URL", "INSYN_ALLOWED_HOSTS", "INSYN_AUDIT_KEY"]
)
def test_production_refuses_to_start_without_its_secrets(missing):
    env = _production_env()
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_demo_data_is_refused_when_debug_is_off():
    result = _manage("demo", env=_production_env())
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
