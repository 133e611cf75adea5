"""The English catalogue is complete: every text a user reads is marked, translated and compiled.

Swedish is the source language (the msgids); `make messages` refreshes the catalogues. Out of scope,
by design: the operator's command line (management commands, `insyn` itself), demo and seed data
(marked `# i18n: data`), and documents addressed to an authority, which are Swedish by law
(marked `i18n: swedish-document`, built under `translation.override("sv")`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from apps.core.i18n_check import unmarked_python_strings, unmarked_template_text

ROOT = Path(settings.BASE_DIR)
# Every part is complete in English and kept so ("project" is lib and insyn): each app's catalogue,
# and the project's.
ENGLISH_COMPLETE = ("project", *settings.TRANSLATED_APPS)


def _part(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[1] if parts[0] == "apps" else "project"


TEMPLATES = sorted(
    path
    for path in (ROOT / "apps").glob("*/templates/**/*")
    if path.suffix in {".html", ".txt"} and path.is_file() and _part(path) in ENGLISH_COMPLETE
)


def _user_facing_modules() -> list[Path]:
    modules = [*(ROOT / "apps").rglob("*.py"), *(ROOT / "lib").rglob("*.py"), *(ROOT / "insyn").glob("*.py")]
    excluded_parts = {"migrations", "tests", "commands"}
    return sorted(
        path
        for path in modules
        if not excluded_parts & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).as_posix() not in {"insyn/cli.py", "insyn/settings.py", "apps/core/i18n_check.py"}
        and "lib/data/" not in path.as_posix()
        and _part(path) in ENGLISH_COMPLETE
    )


CATALOGUES = sorted(
    Path(path) / "en" / "LC_MESSAGES" / "django.po"
    for path in settings.LOCALE_PATHS
    if _part(Path(path) / "x") in ENGLISH_COMPLETE
)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("template", TEMPLATES, ids=_relative)
def test_every_text_in_a_template_is_marked_for_translation(template: Path) -> None:
    found = unmarked_template_text(template.read_text(encoding="utf-8"), html=template.suffix == ".html")
    assert not found, "\n".join(f"{_relative(template)}:{line}: {text}" for line, text in found)


@pytest.mark.parametrize("module", _user_facing_modules(), ids=_relative)
def test_every_swedish_string_in_python_is_marked_for_translation(module: Path) -> None:
    found = unmarked_python_strings(module.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{_relative(module)}:{line}: {text}" for line, text in found)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_relative)
def test_every_entry_of_the_english_catalogue_is_translated(catalogue: Path) -> None:
    assert catalogue.exists(), f"{_relative(catalogue)} saknas: kör make messages"
    po = polib.pofile(str(catalogue))
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"{_relative(catalogue)}: {len(missing)} not translated, e.g. {missing[:5]}"
    assert not fuzzy, f"{_relative(catalogue)}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert po.metadata.get("Language") == "en"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_relative)
def test_the_compiled_catalogue_matches_its_source(catalogue: Path) -> None:
    po = polib.pofile(str(catalogue))
    mo = polib.mofile(str(catalogue.with_suffix(".mo")))

    def pairs(entries: list[polib._BaseEntry]) -> set[tuple[str, str]]:
        return {
            (entry.msgctxt or "", entry.msgid, entry.msgstr or repr(sorted(entry.msgstr_plural.items())))
            for entry in entries
            if not entry.obsolete
            and "fuzzy" not in entry.flags
            and (entry.msgstr or (all(entry.msgstr_plural.values()) and entry.msgstr_plural))
        }  # type: ignore[misc]

    assert pairs(po) == pairs(mo), f"{_relative(catalogue)}: kör make messages (the .mo is older than the .po)"


def test_the_catalogues_hold_every_marked_string(tmp_path: Path) -> None:
    """makemessages on a copy of the source finds nothing the committed catalogues lack."""
    for folder in ("apps", "lib", "insyn", "locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    command = [sys.executable, "-P", "-m", "django", "makemessages", "-l", "en", "--add-location=never", "--no-wrap"]
    env = {"DJANGO_SETTINGS_MODULE": "insyn.settings", "PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for app in settings.TRANSLATED_APPS:
        if app in ENGLISH_COMPLETE:
            folder = tmp_path / "apps" / app
            subprocess.run([*command, "--ignore", "tests/*"], cwd=folder, env=env, check=True, capture_output=True)
    if "project" in ENGLISH_COMPLETE:
        subprocess.run([*command, "--ignore", "apps/*"], cwd=tmp_path, env=env, check=True, capture_output=True)
    new: list[str] = []
    for catalogue in CATALOGUES:
        copy = tmp_path / catalogue.relative_to(ROOT)
        po = polib.pofile(str(copy))
        # A changed text comes back fuzzy (the old translation guessed): as untranslated as a new one.
        new += [
            f"{copy.relative_to(tmp_path)}: {entry.msgid}" for entry in po.untranslated_entries() + po.fuzzy_entries()
        ]
    assert not new, "Not in the catalogue (run make messages and translate):\n" + "\n".join(new[:20])


def test_every_app_has_an_english_catalogue_in_the_settings() -> None:
    """A new app cannot escape the checks above: it must be listed in TRANSLATED_APPS."""
    apps = sorted(path.name for path in (ROOT / "apps").iterdir() if (path / "apps.py").exists())
    assert apps == sorted(settings.TRANSLATED_APPS)


@pytest.mark.django_db
def test_english_is_served_when_the_browser_asks_for_it(client) -> None:
    response = client.get("/konto/logga-in/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert b'lang="en"' in response.content
