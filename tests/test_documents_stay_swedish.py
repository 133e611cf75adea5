"""A person who reads Insyn in English gets English pages, but the documents addressed to an
authority (the quarterly report to IVO and the council, the årsbokslut to the nämnd) stay Swedish,
as the Language Act (2009:600) 10 § requires of what a public body issues."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader

from apps.accounts.models import User
from tests.conftest import verified_client
from tests.test_council_statistics import q4  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _in_english(user: User):
    User.objects.filter(pk=user.pk).update(language="en")
    user.refresh_from_db()
    return verified_client(user)


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_arsbokslut_page_is_english_and_its_documents_swedish(report, controller_alingsas, pdf_support):
    client = _in_english(controller_alingsas)
    page = client.get(f"/arsbokslut/{report.pk}/")
    assert page["Content-Language"] == "en"
    assert "Annual accounts" in page.content.decode()
    pdf = _pdf_text(client.get(f"/arsbokslut/{report.pk}/?format=pdf").content)
    assert "Årsbokslut" in pdf and "Annual accounts" not in pdf
    docx = Document(io.BytesIO(client.get(f"/arsbokslut/{report.pk}/?format=docx").content))
    text = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    assert "Årsbokslut" in text and "Annual accounts" not in text


def test_the_quarterly_report_page_is_english_and_its_documents_swedish(q4, registrar_alingsas, pdf_support):  # noqa: F811
    client = _in_english(registrar_alingsas)
    page = client.get(f"/beslut/rapporter/{q4.pk}/")
    assert page["Content-Language"] == "en"
    assert "Not executed" in page.content.decode() or "not executed" in page.content.decode()
    pdf = _pdf_text(client.get(f"/beslut/rapporter/{q4.pk}/rapport.pdf").content)
    assert "Summa" in pdf and "verkställ" in pdf
    assert "not executed" not in pdf.lower()
