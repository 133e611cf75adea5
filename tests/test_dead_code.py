"""`make lint` fails on code nothing calls (vulture, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VULTURE = Path(sys.executable).parent / "vulture"


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "templates", "static")
    for folder in ("apps", "lib", "insyn", "bench", "scripts"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=ignore)
    for name in ("pyproject.toml", "vulture_whitelist.py"):
        shutil.copy(ROOT / name, tree / name)
    return tree


def _vulture(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VULTURE)], cwd=tree, capture_output=True, text=True, check=False)


def test_the_tree_as_it_is_has_no_dead_code(tmp_path):
    result = _vulture(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_function_nothing_calls_fails_the_lint(tmp_path):
    tree = _copy(tmp_path)
    module = tree / "apps" / "core" / "http.py"
    module.write_text(module.read_text() + "\n\ndef forgotten_helper() -> int:\n    return 1\n")
    result = _vulture(tree)
    assert result.returncode != 0
    assert "unused function 'forgotten_helper'" in result.stdout
