"""Find user-visible text that is not marked for translation.

Two pure checks, used by the test that keeps the English catalogue complete:

* ``unmarked_template_text`` reads a Django template: every run of words in the HTML's text or in an
  attribute a person reads (title, alt, placeholder, aria-label, value of a button) must come from a
  ``{% translate %}`` / ``{% blocktranslate %}`` tag or a variable, never from literal text.
* ``unmarked_python_strings`` reads a Python module: a string literal that reads as Swedish (a Swedish
  letter or a common Swedish word) must sit inside a gettext call, be a docstring, or carry the marker
  comment ``# i18n: data`` on its line (values stored in the database, proper nouns, statute names).

Both return ``(line, text)`` pairs so the test can say exactly what to mark and where.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser

from django.template.base import Lexer, TokenType

# Words that read the same in English and Swedish, or are names: text made only of these needs no
# translation (statute and authority names stay as they are, by the rule).
NEUTRAL_WORDS = frozenset(
    [
        "Insyn",
        "ACTivera",
        "CSV",
        "XLSX",
        "PDF",
        "DOCX",
        "JSON",
        "API",
        "SoL",
        "LSS",
        "LVU",
        "LVM",
        "IVO",
        "BIP",
        "SIP",
        "SAMSIP",
        "Lex",
        "Heller",
        "Finsam",
        "SFS",
        "OK",
        "ID",
        "TOTP",
        "SAML",
        "OIDC",
        "SSO",
        "URL",
        "HTTP",
        "HTTPS",
        "PNG",
        "SVG",
        "BUG",
        "KF",
        "KS",
        "SN",
        "ÅR",
        "NPM",
        "WCAG",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "T1",
        "T2",
        "T3",
        "x",
        "X",
        "kr",
        "st",
        "km",
        "English",
        "Svenska",
    ]
)

# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label", "aria-description", "summary"})

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_PLACEHOLDER = "\x00"
_SKIP_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}
_MARKER = "i18n: data"
# A module or template that builds a document addressed to an authority (IVO, the council, the
# nämnd): always Swedish, by the Language Act (2009:600) 10 §, whatever the user's language.
_SWEDISH_DOCUMENT = "i18n: swedish-document"

# Common Swedish words that do not occur in English text; a literal with one of them reads as Swedish.
_SWEDISH_WORDS = frozenset(
    [
        "och",
        "att",
        "som",
        "med",
        "inte",
        "ska",
        "kan",
        "har",
        "är",
        "på",
        "av",
        "till",
        "om",
        "eller",
        "vid",
        "från",
        "efter",
        "antal",
        "saknas",
        "måste",
        "finns",
        "ingen",
        "inga",
        "inget",
        "alla",
        "får",
        "gäller",
        "enligt",
        "mellan",
        "under",
        "innan",
        "sedan",
        "minst",
        "högst",
        "eller",
        "varje",
        "vara",
        "ange",
        "välj",
        "spara",
        "skapa",
        "ändra",
        "visa",
        "redan",
        "också",
        "endast",
        "bara",
        "dag",
        "dagar",
        "vecka",
        "veckor",
        "månad",
        "år",
        "datum",
        "beslut",
        "deltagare",
        "kommun",
        "förbund",
        "enhet",
        "period",
        "kvartal",
        "tertial",
        "rapport",
        "leverans",
        "namn",
        "typ",
    ]
)
_SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖéÉ]")
_GETTEXT_CALLS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
        "gettext_noop",
    }
)


def _reads_as_words(text: str) -> bool:
    words = _WORD.findall(text)
    return any(len(word) > 1 and word not in NEUTRAL_WORDS for word in words)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            readable = name in READ_ATTRIBUTES or (
                name == "value"
                and tag in {"input", "button"}
                and attributes.get("type") in {"submit", "button", "reset"}
            )
            if readable and value and _reads_as_words(value.replace(_PLACEHOLDER, " ")):
                self.found.append((self.getpos()[0], value.replace(_PLACEHOLDER, "…").strip()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._skip_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        text = data.replace(_PLACEHOLDER, " ")
        if _reads_as_words(text):
            self.found.append((self.getpos()[0], " ".join(data.replace(_PLACEHOLDER, "…").split())))


def _neutralised(source: str) -> str:
    """The template with every tag, variable and comment replaced by a placeholder (same line count)."""
    out: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        raw = token.contents
        if token.token_type == TokenType.TEXT and closing is None:
            out.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            name = raw.split(" ", 1)[0] if raw else ""
            if closing is None and name in _SKIP_BLOCKS:
                closing = _SKIP_BLOCKS[name]
            elif closing is not None and name == closing:
                closing = None
        # Keep the line count so positions match the file; a placeholder stands for the token.
        out.append(_PLACEHOLDER + "\n" * raw.count("\n"))
    return "".join(out)


def unmarked_template_text(source: str, *, html: bool = True) -> list[tuple[int, str]]:
    """Literal words in a template that a reader sees and that no translation tag produces."""
    if _SWEDISH_DOCUMENT in source:
        return []
    text = _neutralised(source)
    if not html:
        found = []
        for number, line in enumerate(text.splitlines(), start=1):
            if _reads_as_words(line.replace(_PLACEHOLDER, " ")):
                found.append((number, " ".join(line.replace(_PLACEHOLDER, "…").split())))
        return found
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    return collector.found


def _reads_as_swedish(text: str) -> bool:
    if _SWEDISH_LETTERS.search(text):
        return True
    return any(word.lower() in _SWEDISH_WORDS for word in _WORD.findall(text))


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unmarked_python_strings(source: str) -> list[tuple[int, str]]:
    """Swedish-reading string literals outside gettext calls, docstrings and ``# i18n: data`` lines."""
    if _MARKER + " module" in source or _SWEDISH_DOCUMENT in source:
        return []
    tree = ast.parse(source)
    lines = source.splitlines()
    skip = _docstring_nodes(tree)
    inside_gettext: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in _GETTEXT_CALLS:
            for child in ast.walk(node):
                inside_gettext.add(id(child))
        # Logging and f-string formatting specs are for developers.
        if (
            isinstance(node, ast.Call)
            and _call_name(node) in {"debug", "info", "warning", "exception", "critical"}
            and isinstance(node.func, ast.Attribute)
            and getattr(node.func.value, "id", "") in {"logger", "log"}
        ):
            for child in ast.walk(node):
                inside_gettext.add(id(child))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in skip or id(node) in inside_gettext:
            continue
        if node.value.isidentifier() or not _reads_as_swedish(node.value):
            # A bare identifier ("period", "tertial") is a key or a field name, not text.
            continue
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        if any(_MARKER in lines[number - 1] for number in range(first, last + 1)):
            continue
        found.append((first, node.value.strip()[:80]))
    return found
