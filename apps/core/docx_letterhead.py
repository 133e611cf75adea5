"""The letterhead of every DOCX: the issuing organisation's logo and name (and address line) in
the header, the date and the handläggare beside them, and "Sida N av M" (PAGE and NUMPAGES
fields) in the footer. Takes plain data (apps.organisations.letterhead.letterhead_for)."""

from __future__ import annotations

import io
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays out the pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def add_letterhead(document: Any, letterhead: dict[str, Any]) -> None:
    """Put the letterhead in the header and footer of every section of `document` (no footer
    when `letterhead["footer"]` is false: the document numbers its pages itself)."""
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        if letterhead.get("logo") and letterhead.get("logo_content_type") == "image/png":
            first.add_run().add_picture(io.BytesIO(letterhead["logo"]), height=Cm(1.4))
            first = header.add_paragraph()
        name = first.add_run(letterhead.get("name", ""))
        name.bold = True
        name.font.size = Pt(12)
        if letterhead.get("address_line"):
            header.add_paragraph(letterhead["address_line"]).runs[0].font.size = Pt(8.5)
        meta = [f"Datum: {letterhead['date']:%Y-%m-%d}"] if letterhead.get("date") else []
        if letterhead.get("handlaggare"):
            meta.append(f"Handläggare: {letterhead['handlaggare']}")
        if meta:
            paragraph = header.add_paragraph(" · ".join(meta))
            paragraph.runs[0].font.size = Pt(8.5)

        if not letterhead.get("footer", True):
            continue
        footer = section.footer
        footer.is_linked_to_previous = False
        line = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.add_run("Sida ")
        _field(line, "PAGE")
        line.add_run(" av ")
        _field(line, "NUMPAGES")
        for run in line.runs:
            run.font.size = Pt(8)
