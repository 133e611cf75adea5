"""Translation for pure helpers, without importing Django.

``lib`` may not import Django (the import contract), yet some of its text reaches users. Its modules
call ``gettext`` / ``ngettext`` from here; the project installs Django's functions at start-up
(``apps.core.apps.CoreConfig.ready``), so the active language applies, and Django's ``makemessages``
finds the calls because they carry the standard names. Until installed (pure tests) text is returned
as written: the source language is Swedish.
"""

from __future__ import annotations

from collections.abc import Callable

_gettext: Callable[[str], str] = lambda message: message  # noqa: E731
_ngettext: Callable[[str, str, int], str] = lambda singular, plural, n: singular if n == 1 else plural  # noqa: E731


def install(*, gettext_function: Callable[[str], str], ngettext_function: Callable[[str, str, int], str]) -> None:
    global _gettext, _ngettext
    _gettext = gettext_function
    _ngettext = ngettext_function


def gettext(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Marks a constant for the catalogue; translate it with ``gettext`` where it is shown."""
    return message
