"""The letterhead: an organisation's administrator uploads its logo and address line, and every
PDF and DOCX the app produces carries the issuing organisation's name and logo, the date, the
handläggare and "Sida N av M"."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from docx import Document
from PIL import Image
from pypdf import PdfReader

from apps.audit.models import AuditAction, AuditEvent
from apps.organisations.letterhead import issuer_of, letterhead_for
from apps.organisations.models import Letterhead, Organisation
from tests.conftest import make_user, verified_client
from tests.test_committee_decision import decided, report  # noqa: F401 (fixtures)
from tests.test_report_memo import MEMO

D = datetime.date
URL = "/organisationer/alingsas/brevhuvud/"


def png_bytes(size: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def admin_alingsas(insjoriket):
    return make_user("admin.alingsas", "local_admin", "alingsas")


@pytest.fixture
def with_logo(admin_alingsas):
    response = verified_client(admin_alingsas).post(
        URL, {"logo": upload("logo.png", png_bytes()), "address_line": "Box 1, 441 81 Alingsås"}
    )
    assert response.status_code == 302, response.content.decode()
    return Letterhead.objects.get(organisation__slug="alingsas")


def keep_sample(name: str, content: bytes) -> None:
    """With INSYN_LETTERHEAD_SAMPLES set, keep the document there to look at (pdftoppm)."""
    import os
    from pathlib import Path

    if folder := os.environ.get("INSYN_LETTERHEAD_SAMPLES"):
        Path(folder, name).write_bytes(content)


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def assert_pdf_letterhead(content: bytes, *, name: str, date: str, handlaggare: str = "", logo: bool = True) -> None:
    reader, text = pdf_text(content)
    assert name in text
    assert date in text
    if handlaggare:
        assert handlaggare in text
    assert "Sida 1 av" in text
    if logo:
        assert len(reader.pages[0].images) >= 1


def assert_docx_letterhead(content: bytes, *, name: str, logo: bool = True, page_field: bool = True) -> None:
    document = Document(io.BytesIO(content))
    header = document.sections[0].header
    assert name in "\n".join(p.text for p in header.paragraphs)
    if logo:
        assert "<pic:pic" in header._element.xml or "graphicData" in header._element.xml
    footer_xml = document.sections[0].footer._element.xml
    if page_field:
        assert "PAGE" in footer_xml


# --- The administrator's page ---------------------------------------------------------------------


def test_the_local_admin_uploads_a_png_logo_and_the_change_is_audited(with_logo, admin_alingsas):
    assert with_logo.logo_content_type == "image/png"
    assert with_logo.address_line == "Box 1, 441 81 Alingsås"
    event = AuditEvent.objects.filter(action=AuditAction.LETTERHEAD_CHANGE).latest("pk")
    assert event.object_id == "alingsas"
    page = verified_client(admin_alingsas).get(URL)
    assert page.status_code == 200
    assert "PNG-bild" in page.content.decode()


def test_the_logo_is_removed_and_the_address_line_kept(with_logo, admin_alingsas):
    response = verified_client(admin_alingsas).post(URL, {"remove_logo": "on", "address_line": "Ny adress"})
    assert response.status_code == 302
    with_logo.refresh_from_db()
    assert bytes(with_logo.logo) == b"" and with_logo.logo_content_type == ""
    assert with_logo.address_line == "Ny adress"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.txt", b"hello", "Logotypen måste vara en PNG- eller SVG-bild."),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "PNG-bilden är trasig och kunde inte läsas."),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (201 * 1024), "Logotypen får vara högst 200 kB."),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG-bilden får inte innehålla skript eller inbäddat innehåll.",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
            "SVG-bilden får inte innehålla skript eller inbäddat innehåll.",
        ),
    ],
)
def test_a_bad_logo_is_refused_in_swedish_and_nothing_is_saved(admin_alingsas, name, data, message):
    response = verified_client(admin_alingsas).post(URL, {"logo": upload(name, data), "address_line": "x"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Letterhead.objects.filter(organisation__slug="alingsas").exists()


def test_a_clean_svg_logo_is_accepted(admin_alingsas):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    response = verified_client(admin_alingsas).post(URL, {"logo": upload("logo.svg", svg, "image/svg+xml")})
    assert response.status_code == 302
    assert Letterhead.objects.get(organisation__slug="alingsas").logo_content_type == "image/svg+xml"


def test_another_municipalitys_admin_gets_404_and_the_system_admin_reaches_it(insjoriket, system_admin):
    lerum_admin = make_user("admin.lerum", "local_admin", "lerum")
    assert verified_client(lerum_admin).get(URL).status_code == 404
    assert verified_client(lerum_admin).post(URL, {"address_line": "x"}).status_code == 404
    assert not Letterhead.objects.exists()
    assert verified_client(system_admin).get(URL).status_code == 200


def test_a_caseworker_is_not_an_administrator(caseworker_alingsas):
    assert verified_client(caseworker_alingsas).get(URL).status_code == 404


# --- The data --------------------------------------------------------------------------------------


def test_a_units_documents_are_issued_by_its_municipality(insjoriket):
    unit = Organisation.objects.get(slug="alingsas-activera")
    assert issuer_of(unit).name == "Alingsås kommun"
    assert issuer_of(insjoriket) == insjoriket
    data = letterhead_for(unit, None, D(2026, 3, 1))
    assert data["name"] == "Alingsås kommun" and data["handlaggare"] == "" and data["logo"] == b""


# --- The documents ---------------------------------------------------------------------------------


def test_the_memo_pdf_and_docx_carry_the_letterhead(with_logo, decided, registrar_alingsas, pdf_support):  # noqa: F811
    client = verified_client(registrar_alingsas)
    url = f"/beslut/rapporter/{decided.pk}/tjansteskrivelse/"
    pdf = client.get(url, {**MEMO, "format": "pdf"}).content
    assert_pdf_letterhead(pdf, name="Alingsås kommun", date="2023-01-13", handlaggare="Gunvi Sultan")
    assert_docx_letterhead(client.get(url, MEMO).content, name="Alingsås kommun")
    keep_sample("memo.pdf", pdf)


def test_the_minutes_pdf_and_docx_carry_the_letterhead(with_logo, decided, registrar_alingsas, pdf_support):  # noqa: F811
    client = verified_client(registrar_alingsas)
    url = f"/beslut/rapporter/{decided.pk}/protokollsutdrag/"
    pdf = client.get(url, {"format": "pdf"}).content
    assert_pdf_letterhead(pdf, name="Alingsås kommun", date="2023-02-14")
    assert_docx_letterhead(client.get(url, {"format": "docx"}).content, name="Alingsås kommun")


def test_the_ivo_report_pdf_carries_the_letterhead_and_who_downloaded_it(
    with_logo,
    report,  # noqa: F811
    registrar_alingsas,
    pdf_support,
):
    registrar_alingsas.first_name, registrar_alingsas.last_name = "Rut", "Registrator"
    registrar_alingsas.save()
    pdf = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{report.pk}/rapport.pdf").content
    assert_pdf_letterhead(pdf, name="Alingsås kommun", date="2023-01-11", handlaggare="Rut Registrator")
    keep_sample("ivo.pdf", pdf)


def test_the_forbund_invoice_carries_the_forbunds_letterhead(activera, forbund_officer, pdf_support):
    from apps.organisations.services import letterhead_save
    from tests.forbund_helpers import agreement_for, seed_budget_2023

    forbund = Organisation.objects.get(slug="insjoriket")
    letterhead_save(actor=None, organisation=forbund, logo=png_bytes(), address_line="Förbundsgatan 1")
    forbund_officer.first_name, forbund_officer.last_name = "Frida", "Förbund"
    forbund_officer.save()
    seed_budget_2023(forbund_officer)
    invoice = agreement_for("alingsas", actor=forbund_officer, reference="2023-17").invoices.get(tertial=3)
    pdf = verified_client(forbund_officer).get(f"/forbund/fakturor/{invoice.pk}/pdf/").content
    today = datetime.date.today().isoformat()
    assert_pdf_letterhead(pdf, name="Samordningsförbundet Insjöriket", date=today, handlaggare="Frida Förbund")
    keep_sample("invoice.pdf", pdf)


def test_a_delivery_pdf_is_issued_by_the_units_municipality(with_logo, caseworker_alingsas, pdf_support):
    from apps.activera.exports import content_pdf

    caseworker_alingsas.first_name, caseworker_alingsas.last_name = "Kim", "Handläggare"
    content = {
        "kind_label": "Månadsrapport",
        "period_label": "januari 2026",
        "unit_name": "ACTivera Alingsås",
        "municipality_name": "Alingsås kommun",
    }
    pdf = content_pdf(content, caseworker_alingsas)
    assert_pdf_letterhead(pdf, name="Alingsås kommun", date=datetime.date.today().isoformat(), handlaggare="Kim")


def test_the_exit_document_is_issued_by_the_units_municipality(with_logo, caseworker_alingsas, pdf_support):
    from weasyprint import HTML

    caseworker_alingsas.first_name, caseworker_alingsas.last_name = "Kim", "Ledare"
    unit = Organisation.objects.get(slug="alingsas-activera")
    enrolment = SimpleNamespace(
        code="ALI-0001",
        person=None,
        programme_unit=SimpleNamespace(unit=unit),
        leader=caseworker_alingsas,
        start_date=D(2026, 1, 5),
        exit_date=D(2026, 5, 5),
        get_exit_reason_display="Planerat avslut",
        get_occupation_after_display="Arbete",
        goals=SimpleNamespace(all=[]),
    )
    # A colleague makes the document: the letterhead names her, the text names the leader.
    colleague = make_user("mia.kollega", "executor_caseworker", "alingsas")
    colleague.first_name, colleague.last_name = "Mia", "Kollega"
    context = {
        "enrolment": enrolment,
        "programme": SimpleNamespace(name="ACTivera", scale_min=1, scale_max=10),
        "handlaggare": colleague,
    }
    pdf = bytes(HTML(string=render_to_string("activera/exit_document.html", context)).write_pdf())
    today = datetime.date.today().isoformat()
    assert_pdf_letterhead(pdf, name="Alingsås kommun", date=today, handlaggare="Handläggare: Mia Kollega")
    text = pdf_text(pdf)[1]
    assert "Ansvarig ledare: Kim Ledare" in text and "Handläggare: Kim Ledare" not in text


def test_the_yearend_pdf_and_docx_carry_the_letterhead(insjoriket, pdf_support):
    from apps.yearend.document import build_document
    from apps.yearend.documents import yearend_docx, yearend_pdf
    from tests.test_yearend_documents import _small_report

    alingsas = Organisation.objects.get(slug="alingsas")
    from apps.organisations.services import letterhead_save

    letterhead_save(actor=None, organisation=alingsas, logo=png_bytes(), address_line="")
    document = build_document(_small_report(Organisation.objects.get(slug="alingsas-socialnamnd")))
    pdf = yearend_pdf(document)
    reader, text = pdf_text(pdf)
    assert "Alingsås kommun" in text
    assert document.memo["date"] in text
    assert len(reader.pages[0].images) >= 1
    keep_sample("yearend.pdf", pdf)
    # The årsbokslut numbers its pages itself (its contents refer to them): its own footer stays.
    assert_docx_letterhead(yearend_docx(document), name="Alingsås kommun")


def test_an_svg_logo_is_drawn_into_the_docx_letterhead_without_fetching_what_it_names(tmp_path):
    from docx import Document as NewDocument

    from apps.core.docx_letterhead import add_letterhead

    secret = tmp_path / "secret.png"
    Image.new("RGB", (4, 4), "red").save(secret)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="30" height="10">'
        f'<rect width="30" height="10" fill="#0a6b2d"/><image xlink:href="file://{secret}" width="30" height="10"/>'
        "</svg>"
    ).encode()
    document = NewDocument()
    add_letterhead(
        document,
        {"name": "Alingsås kommun", "logo": svg, "logo_content_type": "image/svg+xml", "date": datetime.date.today()},
    )
    buffer = io.BytesIO()
    document.save(buffer)
    assert_docx_letterhead(buffer.getvalue(), name="Alingsås kommun")
    reread = Document(io.BytesIO(buffer.getvalue()))
    (part,) = [rel.target_part for rel in reread.sections[0].header.part.rels.values() if "image" in rel.reltype]
    image = Image.open(io.BytesIO(part.blob))
    assert image.format == "PNG" and image.height == 165
    # The logo's own green, not the red of the file it tried to pull in.
    assert image.convert("RGB").getpixel((image.width // 2, image.height // 2)) == (10, 107, 45)
