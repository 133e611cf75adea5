"""The årsbokslut as files: an editable DOCX and an archival PDF, both drawn from one
YearendDocument (document.py). Each holds the tjänsteskrivelse first and, after a page break, the
report itself: its head, "Innehåll" with page numbers, and every section with its tables and goals.

The PDF is laid out by WeasyPrint (templates/yearend/report_print.html). Its pages are numbered as
the seed numbers them: the tjänsteskrivelse by itself, the head and the contents unnumbered, and the
report from 1 at its first section. python-docx cannot paginate, so the DOCX's table of contents is
a real Word TOC field whose cached page numbers are read from the laid-out PDF; Word refreshes the
field when the file is opened (w:updateFields)."""

# i18n: swedish-document: the årsbokslut as files is addressed to the nämnd and the council, always in
# Swedish (Språklagen 10 §); yearend_pdf and yearend_docx run under translation.override("sv").
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .document import Section, YearendDocument
from .tables import Table

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3b"
REPORT_START = "arsbokslut-start"
# A table of this many text columns (nothing to compare as figures) gets a landscape page.
WIDE_TEXT_COLUMNS = 5


# --- The structure both renderers draw ---------------------------------------------------------


@dataclass(frozen=True)
class CellView:
    text: str
    numeric: bool
    colspan: int = 1


@dataclass(frozen=True)
class RowView:
    kind: str
    cells: list[CellView]
    inner: list[TableView] = field(default_factory=list)

    @property
    def bold(self) -> bool:
        return self.kind in {"sum", "heading"}


@dataclass(frozen=True)
class TableView:
    key: str
    header: list[CellView]
    rows: list[RowView]
    notes: list[str]
    wide: bool


def table_view(table: Table) -> TableView:
    """Cells as the reader sees them: the row's label first, numeric columns (header included)
    right-aligned, a note or heading row without figures spanning the whole width."""
    width = len(table.columns)
    header = [CellView(text, index >= table.numeric_from) for index, text in enumerate(table.columns)]
    rows = []
    for row in table.rows:
        texts = [row.label, *row.cells]
        if row.kind in {"note", "heading"} and not any(cell.strip() for cell in row.cells):
            cells = [CellView(row.label, False, colspan=width)]
        else:
            cells = [CellView(text, index >= table.numeric_from) for index, text in enumerate(texts)]
        rows.append(RowView(row.kind, cells, [table_view(inner) for inner in row.inner]))
    wide = width >= WIDE_TEXT_COLUMNS and table.numeric_from >= width
    return TableView(table.key, header, rows, list(table.notes), wide)


def anchor_of(section: Section) -> str:
    return f"avsnitt-{section.key}"


def is_wide(section: Section) -> bool:
    return any(table_view(table).wide for table in section.tables)


def lines_of(paragraph: str) -> list[str]:
    return [line.strip() for line in paragraph.splitlines() if line.strip()]


def bullet_items(paragraph: str) -> list[str] | None:
    """A paragraph whose every line starts with "- " or "• " is a bulleted list (the seed's
    "Arbetet har skett i enlighet med …" list); None otherwise."""
    lines = lines_of(paragraph)
    if lines and all(line.startswith(("- ", "• ")) for line in lines):
        return [line[2:].strip() for line in lines]
    return None


def paragraph_blocks(paragraphs: list[str]) -> list[dict[str, Any]]:
    """Each paragraph as {"bullets": [...], "lines": []} (a list) or {"bullets": [], "lines": [...]}
    (a paragraph whose single line breaks are kept). Both keys are always there: a template reading
    a missing "items" would call dict.items."""
    blocks: list[dict[str, Any]] = []
    for paragraph in paragraphs:
        bullets = bullet_items(paragraph) or []
        blocks.append({"bullets": bullets, "lines": [] if bullets else lines_of(paragraph)})
    return blocks


def cell_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def toc_sections(document: YearendDocument) -> list[Section]:
    return [section for section in document.sections if section.in_toc]


# --- PDF ----------------------------------------------------------------------------------------


def indicator_line(indicator: str) -> str:
    text = indicator.strip()
    if not text or text.startswith("Indikator"):
        return text
    return f"Indikator: {text}"


def _text_items(paragraphs: list[str]) -> list[dict[str, Any]]:
    return [{"kind": "text", "block": block} for block in paragraph_blocks(paragraphs)]


def _section_context(section: Section) -> dict[str, Any]:
    """The section's content in reading order as one list: texts, tables, then each goal followed
    by its key figure tables, then the text written after the tables."""
    items = _text_items(section.paragraphs)
    items += [{"kind": "table", "table": table_view(table)} for table in section.tables]
    for goal in section.goals:
        items.append(
            {
                "kind": "goal",
                "goal": goal,
                "indicator": indicator_line(goal.indicator),
                "analysis": paragraph_blocks(goal.analysis),
                "agenda2030": paragraph_blocks(goal.agenda2030),
            }
        )
        items += [{"kind": "table", "table": table_view(table)} for table in goal.tables]
    items += _text_items(section.after)
    return {
        "section": section,
        "anchor": anchor_of(section),
        "heading": f"h{min(max(section.level, 1), 3)}",
        "wide": is_wide(section),
        "items": items,
    }


MEMO_PARTS = [
    ("case", "Ärendebeskrivning"),
    ("statement", "Förvaltningens yttrande"),
    ("economy", "Ekonomisk bedömning"),
    ("proposal", "Förslag till beslut"),
]


def print_context(document: YearendDocument) -> dict[str, Any]:
    memo = document.memo
    return {
        "head": document.head,
        "memo": memo,
        "memo_parts": [
            {"heading": heading, "blocks": paragraph_blocks(memo.get(key, []))} for key, heading in MEMO_PARTS
        ],
        "toc": [{"title": s.title, "level": s.level, "anchor": anchor_of(s)} for s in toc_sections(document)],
        "sections": [_section_context(section) for section in document.sections],
        "report_start": REPORT_START,
    }


def _render(document: YearendDocument) -> Any:
    """The laid-out WeasyPrint document (pages with their anchors)."""
    from weasyprint import HTML

    html = render_to_string("yearend/report_print.html", print_context(document))
    return HTML(string=html).render()


def pdf_of(rendered: Any) -> bytes:
    """PDF/A-3b when WeasyPrint can make it (embedded DejaVu fonts, sRGB output intent); a plain
    PDF, logged, when it cannot."""
    try:
        return bytes(rendered.write_pdf(pdf_variant=PDF_VARIANT))
    except Exception:
        logger.warning("PDF/A-3b kunde inte skapas; skriver en vanlig PDF.", exc_info=True)
        return bytes(rendered.write_pdf())


def page_numbers(rendered: Any, document: YearendDocument) -> dict[str, int]:
    """The printed page number of every section in the TOC: the report's pages count from 1 at
    its first section, as the PDF's footers and contents do."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(rendered.pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    start = page_of.get(REPORT_START)
    if start is None:
        return {}
    return {
        section.key: page_of[anchor_of(section)] - start + 1
        for section in toc_sections(document)
        if anchor_of(section) in page_of
    }


def yearend_pdf(document: YearendDocument) -> bytes:
    with translation.override("sv"):
        return pdf_of(_render(document))


def docx_page_numbers(document: YearendDocument) -> dict[str, int]:
    """The page numbers the DOCX's contents show until Word refreshes them; none without
    WeasyPrint's system libraries (Word then fills them in on opening)."""
    try:
        rendered = _render(document)
    except OSError:
        logger.warning("WeasyPrint saknas; innehållsförteckningen får sidnummer först i Word.", exc_info=True)
        return {}
    return page_numbers(rendered, document)


def yearend_docx(document: YearendDocument) -> bytes:
    from .documents_docx import build_docx

    with translation.override("sv"):
        return build_docx(document, docx_page_numbers(document))
