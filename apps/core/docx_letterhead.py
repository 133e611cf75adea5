"""The letterhead of every DOCX: the issuing organisation's logo and name (and address line) in
the header, the date and the handläggare beside them, and "Sida N av M" (PAGE and NUMPAGES
fields) in the footer. Takes plain data (apps.organisations.letterhead.letterhead_for)."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _
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


def _logo_png(letterhead: dict[str, Any]) -> bytes | None:
    """The logo as PNG: as uploaded, or an SVG drawn at print size (Word takes raster images)."""
    logo, content_type = letterhead.get("logo"), letterhead.get("logo_content_type")
    if not logo:
        return None
    if content_type == "image/png":
        return bytes(logo)
    if content_type == "image/svg+xml":
        import cairosvg

        # 1.4 cm at 300 dpi. CairoSVG's safe mode (unsafe=False) fetches nothing the file names but
        # data: URLs, and refuses XML entities: the logo is drawn from its own bytes only.
        return bytes(cairosvg.svg2png(bytestring=bytes(logo), output_height=165, unsafe=False))
    return None


def add_letterhead(document: Any, letterhead: dict[str, Any]) -> None:
    """Put the letterhead in the header and footer of every section of `document` (no footer
    when `letterhead["footer"]` is false: the document numbers its pages itself)."""
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        logo = _logo_png(letterhead)
        if logo:
            first.add_run().add_picture(io.BytesIO(logo), height=Cm(1.4))
            first = header.add_paragraph()
        name = first.add_run(letterhead.get("name", ""))
        name.bold = True
        name.font.size = Pt(12)
        if letterhead.get("address_line"):
            header.add_paragraph(letterhead["address_line"]).runs[0].font.size = Pt(8.5)
        meta = [_("Datum: %(date)s") % {"date": f"{letterhead['date']:%Y-%m-%d}"}] if letterhead.get("date") else []
        if letterhead.get("handlaggare"):
            meta.append(_("Handläggare: %(name)s") % {"name": letterhead["handlaggare"]})
        if meta:
            paragraph = header.add_paragraph(" · ".join(meta))
            paragraph.runs[0].font.size = Pt(8.5)

        if not letterhead.get("footer", True):
            continue
        footer = section.footer
        footer.is_linked_to_previous = False
        line = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # The numbers are Word fields between runs of text, in the order the language puts them.
        for part in re.split(r"(%\(page\)s|%\(pages\)s)", _("Sida %(page)s av %(pages)s")):
            if part == "%(page)s":
                _field(line, "PAGE")
            elif part == "%(pages)s":
                _field(line, "NUMPAGES")
            elif part:
                line.add_run(part)
        for run in line.runs:
            run.font.size = Pt(8)
