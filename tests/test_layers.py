"""The layers of docs/architecture.md are enforced by `make lint` (import-linter): a broken
contract fails it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, check=False
    )


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "migrations", "templates", "static", "tests")
    for package in ("apps", "lib", "insyn"):
        shutil.copytree(ROOT / package, tree / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_tree_as_it_is_keeps_every_contract(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_the_audit_log_breaks_the_ground_floor_contract(tmp_path):
    tree = _copy(tmp_path)
    forms = tree / "apps" / "core" / "forms.py"
    forms.write_text(forms.read_text() + "\nfrom apps.audit.models import AuditEvent  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "core is the ground floor: it imports no app BROKEN" in result.stdout
    assert "apps.core.forms -> apps.audit.models" in result.stdout


def test_the_audit_log_importing_accounts_breaks_the_foundations_layers(tmp_path):
    tree = _copy(tmp_path)
    services = tree / "apps" / "audit" / "services.py"
    services.write_text(services.read_text() + "\nfrom apps.accounts.models import User as _User  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "the foundation is layered" in result.stdout and "BROKEN" in result.stdout
