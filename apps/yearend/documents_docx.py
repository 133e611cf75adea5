"""The årsbokslut as an editable DOCX (python-docx): the tjänsteskrivelse, then in a section of its
own the report's head and a Word TOC field, then the report numbered from 1 at its first section.

The report's headings use Word's built-in Heading 1–3 (what the TOC field collects); the
tjänsteskrivelse's headings, and headings the contents leave out, use styles of their own without
an outline level, so that Word's refresh of the field lists exactly what the PDF lists."""

# i18n: swedish-document: the årsbokslut as a DOCX is addressed to the nämnd and the council, always in
# Swedish (Språklagen 10 §).
from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from apps.core.docx_letterhead import add_letterhead
from apps.organisations.letterhead import letterhead_for

from .document import GoalBlock, Section, YearendDocument
from .documents import (
    MEMO_PARTS,
    CellView,
    TableView,
    bullet_items,
    cell_paragraphs,
    indicator_line,
    is_wide,
    lines_of,
    table_view,
    toc_sections,
)

MEMO_TITLE = "Tjänsteskrivelse rubrik"
MEMO_HEADING = "Tjänsteskrivelse underrubrik"
UNLISTED_HEADING = "Rubrik utan innehållsförteckning"
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
# What may follow w:updateFields in w:settings (ECMA-376 CT_Settings' sequence).
SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.2)


# --- Styles, sections, fields ------------------------------------------------------------------


def _paragraph_style(document: Any, name: str, *, base: str, size: float, bold: bool = True) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.paragraph_format.keep_with_next = True
    # Body-text outline level: Word's TOC field (\o and \u) leaves these paragraphs out.
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "9")
    style.element.get_or_add_pPr().append(outline)


def _toc_style(document: Any, level: int, text_width: int) -> None:
    style = document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
    # Word's own TOC style (id TOC1, name "toc 1"), not a custom one: the field's refresh uses it.
    style.element.set(qn("w:styleId"), f"TOC{level}")
    style.element.attrib.pop(qn("w:customStyle"), None)
    style.base_style = document.styles["Normal"]
    style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
    style.paragraph_format.space_after = Pt(2)
    style.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _setup(document: Any) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10)
    section = document.sections[0]
    _page(section, landscape=False)
    _paragraph_style(document, MEMO_TITLE, base="Normal", size=14)
    _paragraph_style(document, MEMO_HEADING, base="Normal", size=11.5)
    _paragraph_style(document, UNLISTED_HEADING, base="Heading 3", size=11)
    width = section.page_width - section.left_margin - section.right_margin
    for level in (1, 2, 3):
        _toc_style(document, level, width)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    successor = next((child for tag in SETTINGS_AFTER_UPDATE_FIELDS for child in settings.findall(qn(tag))), None)
    if successor is not None:
        successor.addprevious(update)
    else:
        settings.append(update)


def _page(section: Any, *, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = Cm(2.0)


def _field(paragraph: Any, instruction: str, cached: str = "") -> None:
    """A simple field (PAGE) as begin / instruction / separate / cached result / end."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            run._r.append(text)
        elif kind == "result":
            run.text = cached
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _fld_char(kind: str) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _footer(section: Any, *, numbered: bool, restart: bool = False) -> None:
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if numbered:
        _field(paragraph, " PAGE ", "1")
    if restart:
        number_type = OxmlElement("w:pgNumType")
        number_type.set(qn("w:start"), "1")
        cols = section._sectPr.find(qn("w:cols"))
        if cols is not None:
            cols.addprevious(number_type)
        else:
            section._sectPr.append(number_type)


def _bookmark(paragraph: Any, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _toc(document: Any, entries: list[tuple[str, int, str, str]]) -> None:
    """A Word TOC field whose cached result is the entries ("Verksamhet<TAB>1"), each a link to
    its heading's bookmark; Word recomputes it on opening (w:updateFields)."""
    if not entries:
        entries = [("", 1, "", "")]
    for index, (title, level, bookmark, page) in enumerate(entries):
        paragraph = document.add_paragraph(style=f"toc {min(level, 3)}")
        if index == 0:
            paragraph._p.append(_fld_char("begin"))
            instruction = OxmlElement("w:r")
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = TOC_INSTRUCTION
            instruction.append(text)
            paragraph._p.append(instruction)
            paragraph._p.append(_fld_char("separate"))
        if title:
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), bookmark)
            link.set(qn("w:history"), "1")
            paragraph._p.append(link)
            for part in (title, "\t", page):
                run = OxmlElement("w:r")
                link.append(run)
                if part == "\t":
                    run.append(OxmlElement("w:tab"))
                else:
                    text = OxmlElement("w:t")
                    text.set(qn("xml:space"), "preserve")
                    text.text = part
                    run.append(text)
        if index == len(entries) - 1:
            paragraph._p.append(_fld_char("end"))


# --- Text and tables ---------------------------------------------------------------------------


def _texts(container: Any, paragraphs: list[str]) -> None:
    for paragraph in paragraphs:
        items = bullet_items(paragraph)
        if items:
            for item in items:
                container.add_paragraph(item, style="List Bullet")
        else:
            container.add_paragraph("\n".join(lines_of(paragraph)))


def _no_wrap(cell: Any) -> None:
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _write_cell(cell: Any, view: CellView, *, bold: bool = False, note: bool = False) -> None:
    parts = [view.text] if view.numeric else cell_paragraphs(view.text) or [""]
    for index, text in enumerate(parts):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(text)
        run.bold = bold or None
        if note:
            run.italic = True
            run.font.size = Pt(7.5)
        if view.numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if view.numeric:
        _no_wrap(cell)


def _table(container: Any, view: TableView, *, size: float) -> None:
    width = len(view.header)
    table = container.add_table(rows=1, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    header_props = header._tr.get_or_add_trPr()
    header_props.append(OxmlElement("w:tblHeader"))
    for cell, cell_view in zip(header.cells, view.header, strict=True):
        _write_cell(cell, cell_view, bold=True)
    for row in view.rows:
        cells = table.add_row().cells
        column = 0
        for cell_view in row.cells:
            cell = cells[column]
            if cell_view.colspan > 1:
                cell = cell.merge(cells[min(column + cell_view.colspan, width) - 1])
            _write_cell(cell, cell_view, bold=row.bold, note=row.kind == "note")
            column += cell_view.colspan
        if row.inner:
            last = cells[width - 1]
            for inner in row.inner:
                _table(last, inner, size=size - 1)
    for paragraph in _all_paragraphs(table):
        for run in paragraph.runs:
            if run.font.size is None:
                run.font.size = Pt(size)


def _all_paragraphs(table: Any) -> list[Any]:
    found = []
    for row in table.rows:
        for cell in row.cells:
            found += cell.paragraphs
    return found


def _table_notes(document: Any, view: TableView) -> None:
    for note in view.notes:
        paragraph = document.add_paragraph()
        paragraph.add_run(note).font.size = Pt(8)
    if not view.notes:
        # Keeps two tables in a row apart (Word would join them) and gives the table its space.
        document.add_paragraph().paragraph_format.space_after = Pt(4)


def _goal(document: Any, goal: GoalBlock) -> None:
    indicator = indicator_line(goal.indicator)
    if indicator:
        paragraph = document.add_paragraph()
        paragraph.add_run(indicator).italic = True
        paragraph.paragraph_format.keep_with_next = True
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(table.rows[0].cells, ["Nämndens mål", "Kommentar/ analys", "Bedömning"], strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    title, analysis, assessment = table.rows[1].cells
    title.paragraphs[0].add_run(goal.title)
    first = analysis.paragraphs[0]
    _texts(analysis, goal.analysis)
    if goal.agenda2030:
        analysis.add_paragraph().add_run("Koppling Agenda 2030").bold = True
        _texts(analysis, goal.agenda2030)
    if len(analysis.paragraphs) > 1 and not first.text:
        first._p.getparent().remove(first._p)
    paragraph = assessment.paragraphs[0]
    if goal.assessment:
        symbol = paragraph.add_run(goal.assessment["symbol"])
        colour = goal.assessment.get("colour", "")
        if colour.startswith("#") and len(colour) == 7:
            symbol.font.color.rgb = RGBColor.from_string(colour[1:].upper())
        paragraph.add_run(f" {goal.assessment['label']}")
    else:
        paragraph.add_run("Ej bedömd")
    for cell, width in zip(table.rows[1].cells, (Cm(3.8), Cm(10.5), Cm(2.6)), strict=True):
        cell.width = width
    for paragraph in _all_paragraphs(table):
        for run in paragraph.runs:
            run.font.size = Pt(9)
    document.add_paragraph().paragraph_format.space_after = Pt(2)
    for key_figures in goal.tables:
        view = table_view(key_figures)
        _table(document, view, size=8.5)
        _table_notes(document, view)


def _section(document: Any, section: Section, bookmark: tuple[str, int] | None, *, page_break: bool) -> None:
    level = min(max(section.level, 1), 3)
    if bookmark is None:
        heading = document.add_paragraph(section.title, style=UNLISTED_HEADING)
    else:
        heading = document.add_heading(section.title, level=level)
        _bookmark(heading, *bookmark)
    if page_break:
        heading.paragraph_format.page_break_before = True
    _texts(document, section.paragraphs)
    for table in section.tables:
        view = table_view(table)
        _table(document, view, size=7.5 if view.wide else 8.5)
        _table_notes(document, view)
    for goal in section.goals:
        _goal(document, goal)
    _texts(document, section.after)


# --- The document ------------------------------------------------------------------------------


def _memo(document: Any, head: dict[str, Any], memo: dict[str, Any]) -> None:
    document.add_paragraph().add_run(head.get("municipality", "")).bold = True
    for label, key in (
        ("Datum", "date"),
        ("Handläggare", "officer"),
        ("Direktnr", "direct_number"),
        ("Diariernr", "diary_number"),
    ):
        document.add_paragraph(f"{label}: {memo.get(key, '')}").paragraph_format.space_after = Pt(0)
    document.add_paragraph()
    document.add_paragraph(memo.get("body", ""))
    document.add_paragraph(memo.get("title", ""), style=MEMO_TITLE)
    for key, heading in MEMO_PARTS:
        document.add_paragraph(heading, style=MEMO_HEADING)
        _texts(document, memo.get(key, []))
    document.add_paragraph().add_run("Beslutet ska skickas till").bold = True
    document.add_paragraph("\n".join(memo.get("recipients", [])))
    for lines in memo.get("signatures", []):
        if lines:
            document.add_paragraph()
            document.add_paragraph("\n".join(lines))
    if memo.get("approver_line"):
        document.add_paragraph()
        document.add_paragraph(memo["approver_line"])


def _front(document: Any, head: dict[str, Any]) -> None:
    title = document.add_heading(head.get("title", ""), level=0)
    title.paragraph_format.space_before = Cm(4)
    subtitle = document.add_paragraph()
    subtitle.add_run(head.get("subtitle", "")).font.size = Pt(18)
    subtitle.paragraph_format.space_after = Cm(1.5)
    for label, key in (
        ("Dokumenttyp", "document_type"),
        ("Beslutande instans", "decision_body"),
        ("Datum för beslut", "decision_date"),
        ("Diarienummer", "diary_number"),
    ):
        document.add_paragraph(f"{label}: {head.get(key, '')}")
    contents = document.add_paragraph("Innehåll", style="TOC Heading")
    contents.paragraph_format.space_before = Cm(1.2)


DRAFT_MARK = "UTKAST – inte godkänt av förvaltningschefen"


def build_docx(document: YearendDocument, pages: dict[str, int]) -> bytes:
    docx = Document()
    _setup(docx)
    add_letterhead(
        docx,
        letterhead_for(
            str(document.head.get("municipality", "")),
            date=str(document.memo.get("date", "")),
            handlaggare=str(document.memo.get("officer", "")),
            footer=False,
        ),
    )
    docx.core_properties.title = str(document.memo.get("title", ""))
    docx.core_properties.author = str(document.head.get("municipality", ""))
    if document.head.get("draft"):
        docx.add_paragraph().add_run(DRAFT_MARK).bold = True
    _memo(docx, document.head, document.memo)
    _footer(docx.sections[0], numbered=True)

    front = docx.add_section(WD_SECTION.NEW_PAGE)
    _footer(front, numbered=False)
    _front(docx, document.head)
    bookmarks = {s.key: (f"_Toc{100_000 + number}", number) for number, s in enumerate(toc_sections(document))}
    _toc(
        docx,
        [
            (s.title, s.level, bookmarks[s.key][0], str(pages[s.key]) if s.key in pages else "")
            for s in toc_sections(document)
        ],
    )

    report = docx.add_section(WD_SECTION.NEW_PAGE)
    _footer(report, numbered=True, restart=True)
    landscape = False
    for index, section in enumerate(document.sections):
        wide = is_wide(section)
        if wide != landscape:
            turned = docx.add_section(WD_SECTION.NEW_PAGE)
            _page(turned, landscape=wide)
            for restart in turned._sectPr.findall(qn("w:pgNumType")):
                turned._sectPr.remove(restart)  # the numbering goes on
            landscape = wide
        elif wide and section.page_break_before:
            docx.add_page_break()
        # A new section already starts a page; a page break there would leave one blank.
        starts_page = index == 0 or wide
        _section(docx, section, bookmarks.get(section.key), page_break=section.page_break_before and not starts_page)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
