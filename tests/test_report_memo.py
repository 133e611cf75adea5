"""The tjänsteskrivelse to the nämnd (issue 15): the nämnd's scope sentence with its appendix, the
handläggare's direct number, the förvaltningschef and godkännare lines and a header that names the
municipality, read back from the real DOCX (python-docx) and PDF (pypdf). Seed 000 is the wording."""

from __future__ import annotations

import datetime
import io

import pytest
from docx import Document
from pypdf import PdfReader

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.forms import CommitteeSettingsForm
from apps.decisions.minutes import SETTINGS_FIELDS, committee_settings_save
from apps.decisions.models import CommitteeSettings, QuarterlyReport
from apps.decisions.services import report_prepare, report_submit
from apps.organisations.models import Organisation
from lib.quarters import Quarter
from tests.conftest import make_user, verified_client
from tests.decisions_helpers import FAR_FUTURE
from tests.test_decision_reports_seed_example import build_alingsas_history, submit_all

D = datetime.date

SCOPE = "individ- och familjeomsorg"
APPENDIX = (
    "Rapporteringsskyldigheten omfattar gynnande beslut enligt 4 kap. 1 § SoL inom individ- och familjeomsorgen.\n"
    "\n"
    "Beslut enligt LSS rapporteras av vård- och omsorgsnämnden."
)
SCOPE_SENTENCE = "I Alingsås gäller socialnämndens rapporteringsskyldighet för individ- och familjeomsorg (se bilaga)."
APPENDIX_TITLE = "Bilaga: rapporteringsskyldighetens omfattning"

# The seed's header and signatures (seed 000, the tjänsteskrivelse of 2023-01-13).
MEMO = {
    "date": "2023-01-13",
    "officer": "Gunvi Sultan",
    "officer_title": "IT-samordnare",
    "direct_number": "0322-61 66 89",
    "diary_number": "2022.029 SN",
    "format": "docx",
}
SEED_STATISTICS = [
    ["Typ av beslut", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"],
    ["Behandlingshem, ej verkställda", "1 st", "", "", ""],
    ["Bostad, ej verkställda", "1 st", "", "", ""],
    ["Behandlingshem, verkställda", "", "1 st", "", ""],
    ["Bostad, verkställda", "", "1 st", "", ""],
    ["Daglig sysselsättning, ej verkställda", "", "", "1 st", ""],
    ["Boendestöd, ej verkställda", "", "", "1 st", ""],
    ["Daglig sysselsättning, avslutad", "", "", "", "1 st"],
    ["Boendestöd, avslutad", "", "", "", "1 st"],
    ["Kontaktfamilj, ej verkställda", "", "", "", "2 st"],
]


# --- Helpers shared with tests/test_committee_decision.py ----------------------------------------


def set_committee(municipality: Organisation, **values: str) -> CommitteeSettings:
    """The nämnd's data as its registrar saves it: through the settings form and its service."""
    instance = CommitteeSettings.objects.filter(municipality=municipality).first() or CommitteeSettings(
        municipality=municipality
    )
    data = {
        "committee_name": instance.committee_name,
        "scope": instance.scope,
        "scope_appendix": instance.scope_appendix,
        "manager_name": instance.manager_name,
        "manager_title": instance.manager_title,
        "approver_name": instance.approver_name,
        **values,
    }
    form = CommitteeSettingsForm(data, instance=instance)
    assert form.is_valid(), form.errors
    return committee_settings_save(
        actor=None, municipality=municipality, **{name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
    )


def set_alingsas_committee(alingsas: Organisation) -> CommitteeSettings:
    return set_committee(
        alingsas,
        scope=SCOPE,
        scope_appendix=APPENDIX,
        manager_name="Karin Alvermalm",
        approver_name="Karin Alvermalm Dahlgren",
    )


SEED_AS_OF = D(2023, 1, 11)  # the seed's rapporteringstillfälle for Q4 2022


def submitted_report(municipality: Organisation, label: str = "2022Q4", as_of: datetime.date = SEED_AS_OF):
    draft = report_prepare(
        actor=None, municipality=municipality, quarter=Quarter.parse(label), as_of=as_of, today=FAR_FUTURE
    )
    return report_submit(actor=None, report=draft)


def docx_of(content: bytes):
    return Document(io.BytesIO(content))


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    """PDF text with its line breaks (the layout's, not the author's) made single spaces."""
    return " ".join(text.split())


def page_break_before(document, text: str) -> bool:
    """Whether the paragraph just before the one reading `text` is a page break."""
    body = document.paragraphs
    index = next(i for i, p in enumerate(body) if p.text == text)
    xml = body[index - 1]._p.xml
    return 'w:type="page"' in xml


# --- Fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def seeded(alingsas) -> dict[str, QuarterlyReport]:
    build_alingsas_history(alingsas)
    return submit_all(alingsas)


@pytest.fixture
def memo_url(seeded) -> str:
    return f"/beslut/rapporter/{seeded['2022Q4'].pk}/tjansteskrivelse/"


# --- The tjänsteskrivelse as a Word file ----------------------------------------------------------


def test_the_memo_docx_reads_like_the_seed_with_scope_direct_number_and_signatures(
    registrar_alingsas, alingsas, memo_url
):
    set_alingsas_committee(alingsas)
    response = verified_client(registrar_alingsas).get(memo_url, MEMO)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="tjansteskrivelse-alingsas-2022Q4.docx"'
    document = docx_of(response.content)
    text = paragraphs(document)
    # The header: which municipality, then the seed's lines, then the nämnd and the title.
    assert text[:8] == [
        "Alingsås kommun",
        "Datum: 2023-01-13",
        "Handläggare: Gunvi Sultan",
        "Direktnr: 0322-61 66 89",
        "Diarienr: 2022.029 SN",
        "Socialnämnden",
        "Ej verkställda beslut, kvartal 4 2022",
        "Ärendebeskrivning",
    ]
    description = text[text.index("Ärendebeskrivning") + 1 : text.index("Statistik för kvartalen 2022")]
    assert description == [
        "Socialnämnden ska kvartalsvis rapportera till kommunfullmäktige, till de revisorer som avses i 3 kap. "
        "8 § kommunallagen samt till Inspektionen för vård och omsorg (IVO) enligt 16 kap. 6 f-h §§ "
        "socialtjänstlagen (SoL) om",
        "Gynnande beslut som ej verkställts inom tre månader från dagen för beslutet",
        "Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet",
        "Gynnande beslut som har verkställts (gäller endast revisorer och IVO)",
        "Rapporteringen till IVO sker som individrapporter med sekretessbelagda uppgifter enligt en nationellt "
        "fastställd standard.",
        SCOPE_SENTENCE,
    ]
    assert table_cells(document.tables[0]) == SEED_STATISTICS
    # From the proposal to the signatures, in the seed's order.
    tail = [line for line in text[text.index("Förslag till beslut") :] if line]
    assert tail[: tail.index(APPENDIX_TITLE)] == [
        "Förslag till beslut",
        "Socialnämnden noterar rapporteringen till IVO för kvartal 4 2022 och översänder rapporten till "
        "kommunfullmäktige och kommunens revisorer.",
        "Beslutet ska skickas till",
        "Kommunfullmäktige",
        "Kommunens revisorer",
        "Karin Alvermalm\nFörvaltningschef",
        "Gunvi Sultan\nIT-samordnare",
        "Karin Alvermalm Dahlgren, Godkännare tjänsteskrivelse, 2023-01-13",
    ]
    # The appendix closes the document, on a page of its own, paragraph by paragraph.
    assert tail[tail.index(APPENDIX_TITLE) :] == [
        APPENDIX_TITLE,
        "Rapporteringsskyldigheten omfattar gynnande beslut enligt 4 kap. 1 § SoL inom individ- och familjeomsorgen.",
        "Beslut enligt LSS rapporteras av vård- och omsorgsnämnden.",
    ]
    assert page_break_before(document, APPENDIX_TITLE)
    assert text.count(SCOPE_SENTENCE) == 1


def test_the_memo_pdf_carries_the_same_header_scope_signatures_and_appendix(
    registrar_alingsas, alingsas, memo_url, pdf_support
):
    set_alingsas_committee(alingsas)
    response = verified_client(registrar_alingsas).get(memo_url, {**MEMO, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="tjansteskrivelse-alingsas-2022Q4.pdf"'
    pages = pdf_pages(response.content)
    lines = pages[0].splitlines()
    assert lines[:7] == [
        "Alingsås kommun",
        "Datum: 2023-01-13",
        "Handläggare: Gunvi Sultan",
        "Direktnr: 0322-61 66 89",
        "Diarienr: 2022.029 SN",
        "Socialnämnden",
        "Ej verkställda beslut, kvartal 4 2022",
    ]
    body = flat("\n".join(pages[:-1]))
    assert body.count(SCOPE_SENTENCE) == 1
    signatures = (
        "Beslutet ska skickas till Kommunfullmäktige Kommunens revisorer Karin Alvermalm Förvaltningschef "
        "Gunvi Sultan IT-samordnare Karin Alvermalm Dahlgren, Godkännare tjänsteskrivelse, 2023-01-13"
    )
    assert signatures in body
    assert APPENDIX_TITLE not in body
    # The appendix is the last page and holds nothing else.
    assert flat(pages[-1]).startswith(
        f"{APPENDIX_TITLE} Rapporteringsskyldigheten omfattar gynnande beslut enligt 4 kap. 1 § SoL inom "
        "individ- och familjeomsorgen. Beslut enligt LSS rapporteras av vård- och omsorgsnämnden."
    )
    assert "Förslag till beslut" not in pages[-1]


def test_without_the_nämnds_data_the_memo_has_no_scope_sentence_no_appendix_and_no_empty_signature_lines(
    registrar_alingsas, memo_url, pdf_support
):
    client = verified_client(registrar_alingsas)
    document = docx_of(client.get(memo_url, MEMO).content)
    text = "\n".join(paragraphs(document))
    pdf = flat(" ".join(pdf_pages(client.get(memo_url, {**MEMO, "format": "pdf"}).content)))
    for output in (text, pdf):
        assert "rapporteringsskyldighet för" not in output
        assert "(se bilaga)" not in output
        assert "Bilaga" not in output
        assert "Förvaltningschef" not in output
        assert "Godkännare" not in output
        assert "Gunvi Sultan" in output and "IT-samordnare" in output
    # The description goes straight from IVO's sentence to the statistics.
    lines = paragraphs(document)
    ivo = lines.index(
        "Rapporteringen till IVO sker som individrapporter med sekretessbelagda uppgifter enligt en nationellt "
        "fastställd standard."
    )
    assert lines[ivo + 1] == "Statistik för kvartalen 2022"
    assert [line for line in lines if line][-1] == "Gunvi Sultan\nIT-samordnare"


def test_a_scope_without_an_appendix_gives_the_sentence_without_a_reference_to_one(
    registrar_alingsas, alingsas, memo_url, pdf_support
):
    set_committee(alingsas, scope=SCOPE, scope_appendix="   ")
    client = verified_client(registrar_alingsas)
    text = paragraphs(docx_of(client.get(memo_url, MEMO).content))
    sentence = "I Alingsås gäller socialnämndens rapporteringsskyldighet för individ- och familjeomsorg."
    assert sentence in text
    assert not any("bilaga" in line.lower() for line in text)
    pdf = flat(" ".join(pdf_pages(client.get(memo_url, {**MEMO, "format": "pdf"}).content)))
    assert sentence in pdf and "bilaga" not in pdf.lower()


def test_an_appendix_without_a_scope_is_left_out_with_the_sentence(registrar_alingsas, alingsas, memo_url):
    # The appendix is referred to from the scope sentence; without a scope there is nothing to refer from.
    set_committee(alingsas, scope="", scope_appendix=APPENDIX)
    text = "\n".join(paragraphs(docx_of(verified_client(registrar_alingsas).get(memo_url, MEMO).content)))
    assert "rapporteringsskyldighet för" not in text
    assert APPENDIX_TITLE not in text
    assert "Beslut enligt LSS" not in text


def test_the_signatures_typed_in_the_form_win_over_the_nämnds_and_the_approval_has_its_own_date(
    registrar_alingsas, alingsas, memo_url
):
    set_alingsas_committee(alingsas)
    params = {
        **MEMO,
        "manager_name": "Anna Andersson",
        "manager_title": "Tf. förvaltningschef",
        "approver_name": "Bo Bengtsson",
        "approved_on": "2023-01-16",
    }
    text = paragraphs(docx_of(verified_client(registrar_alingsas).get(memo_url, params).content))
    assert "Anna Andersson\nTf. förvaltningschef" in text
    assert "Bo Bengtsson, Godkännare tjänsteskrivelse, 2023-01-16" in text
    assert not any("Karin Alvermalm" in line for line in text)


def test_a_manager_typed_in_the_form_without_a_title_is_the_förvaltningschef(registrar_alingsas, memo_url):
    params = {**MEMO, "manager_name": "Anna Andersson"}
    text = paragraphs(docx_of(verified_client(registrar_alingsas).get(memo_url, params).content))
    assert "Anna Andersson\nFörvaltningschef" in text
    assert not any("Godkännare" in line for line in text)


def test_the_memo_form_opens_with_today_and_the_nämnds_signatures(registrar_alingsas, alingsas, memo_url):
    from django.utils import timezone

    set_alingsas_committee(alingsas)
    response = verified_client(registrar_alingsas).get(memo_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Karin Alvermalm"' in html
    assert 'value="Karin Alvermalm Dahlgren"' in html
    assert 'value="Förvaltningschef"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert "/beslut/namnd/alingsas/" in html  # where the scope and the appendix are edited
    assert not AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT).exists()


def test_the_memo_page_says_when_the_scope_sentence_will_be_left_out(registrar_alingsas, memo_url):
    html = verified_client(registrar_alingsas).get(memo_url).content.decode()
    assert "inte ifyllda: meningen om omfattningen utelämnas" in html


def test_bad_input_to_the_memo_form_names_every_field_at_once_and_gives_no_file(registrar_alingsas, memo_url):
    params = {
        "date": "13/01/2023",
        "officer": "  ",
        "officer_title": "IT-samordnare",
        "direct_number": "0" * 41,
        "diary_number": "",
        "approved_on": "igår",
        "format": "odt",
    }
    response = verified_client(registrar_alingsas).get(memo_url, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors == {
        "date": ["Ange datum som ÅÅÅÅ-MM-DD."],
        "officer": ["Ange handläggare."],
        "direct_number": ["Högst 40 tecken."],
        "diary_number": ["Ange diarienummer."],
        "approved_on": ["Ange datum som ÅÅÅÅ-MM-DD."],
        "format": ["Välj ett av alternativen i listan."],
    }
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert "Handläggarens direktnummer: Högst 40 tecken." in html
    assert not AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT).exists()


def test_every_memo_given_out_is_in_the_audit_log(registrar_alingsas, memo_url, seeded, pdf_support):
    client = verified_client(registrar_alingsas)
    client.get(memo_url, MEMO)
    client.get(memo_url, {**MEMO, "format": "pdf"})
    events = AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT).order_by("id")
    assert [e.details["format"] for e in events] == ["memo-docx", "memo-pdf"]
    assert {(e.actor_username, e.object_id, e.municipality_slug) for e in events} == {
        ("rut.registrator", str(seeded["2022Q4"].pk), "alingsas")
    }


# --- The municipality and the nämnd by name ----------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "name", "place"),
    [("lerum", "Lerums kommun", "Lerum"), ("molndal", "Mölndals stad", "Mölndal")],
)
def test_the_header_and_the_scope_sentence_name_the_reports_own_municipality(
    insjoriket, slug, name, place, pdf_support
):
    municipality = Organisation.objects.get(slug=slug)
    report = submitted_report(municipality)
    set_committee(municipality, scope=SCOPE, scope_appendix="Bilagans text.")
    client = verified_client(make_user(f"reg.{slug}", "decisions_registrar", f"{slug}-socialnamnd"))
    url = f"/beslut/rapporter/{report.pk}/tjansteskrivelse/"
    text = paragraphs(docx_of(client.get(url, MEMO).content))
    assert text[0] == name
    assert "Socialnämnden" in text  # the nämnd, after the municipality's name
    sentence = f"I {place} gäller socialnämndens rapporteringsskyldighet för individ- och familjeomsorg (se bilaga)."
    assert sentence in text
    pdf = pdf_pages(client.get(url, {**MEMO, "format": "pdf"}).content)
    assert pdf[0].splitlines()[0] == name
    assert sentence in flat(pdf[0])


def test_a_nämnd_with_another_name_is_named_throughout_the_memo(registrar_alingsas, alingsas, memo_url):
    set_committee(alingsas, committee_name="Individ- och familjeomsorgsnämnden", scope=SCOPE, scope_appendix="")
    text = paragraphs(docx_of(verified_client(registrar_alingsas).get(memo_url, MEMO).content))
    assert text[0] == "Alingsås kommun"
    assert text[5] == "Individ- och familjeomsorgsnämnden"
    assert text[8].startswith("Individ- och familjeomsorgsnämnden ska kvartalsvis rapportera till kommunfullmäktige")
    assert (
        "I Alingsås gäller individ- och familjeomsorgsnämndens rapporteringsskyldighet för individ- och "
        "familjeomsorg." in text
    )
    assert (
        "Individ- och familjeomsorgsnämnden noterar rapporteringen till IVO för kvartal 4 2022 och översänder "
        "rapporten till kommunfullmäktige och kommunens revisorer." in text
    )
    assert "Socialnämnden" not in text


# --- The nämnd's data, edited on its page, reaches the next memo ------------------------------------


def test_the_scope_edited_on_the_nämnds_page_is_in_the_next_memo(registrar_alingsas, memo_url):
    client = verified_client(registrar_alingsas)
    response = client.post(
        "/beslut/namnd/alingsas/",
        {
            "committee_name": "Socialnämnden",
            "scope": SCOPE,
            "scope_appendix": APPENDIX,
            "manager_name": "Karin Alvermalm",
            "manager_title": "Förvaltningschef",
            "approver_name": "Karin Alvermalm Dahlgren",
        },
    )
    assert response.status_code == 302
    text = paragraphs(docx_of(client.get(memo_url, MEMO).content))
    assert SCOPE_SENTENCE in text
    assert APPENDIX_TITLE in text
    assert "Karin Alvermalm\nFörvaltningschef" in text
    # Emptied again: the sentence and the appendix go.
    client.post(
        "/beslut/namnd/alingsas/",
        {"committee_name": "Socialnämnden", "scope": "", "scope_appendix": "", "manager_title": "Förvaltningschef"},
    )
    text = "\n".join(paragraphs(docx_of(client.get(memo_url, MEMO).content)))
    assert "rapporteringsskyldighet för" not in text and "Bilaga" not in text and "Förvaltningschef" not in text


# --- Who may have it ---------------------------------------------------------------------------------


def test_a_registrar_of_another_municipality_gets_404_for_the_memo(registrar_lerum_factory, memo_url):
    client = verified_client(registrar_lerum_factory())
    assert client.get(memo_url).status_code == 404
    assert client.get(memo_url, MEMO).status_code == 404
    assert client.get(memo_url, {**MEMO, "format": "pdf"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT).exists()


def test_the_municipalitys_auditor_gets_404_for_the_memo(auditor_alingsas, memo_url):
    assert verified_client(auditor_alingsas).get(memo_url, MEMO).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_memo(client, memo_url):
    response = client.get(memo_url, MEMO)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/?next=")


def test_empty_tables_say_so_in_the_docx_as_in_the_pdf(insjoriket, pdf_support):
    lerum = Organisation.objects.get(slug="lerum")
    report = submitted_report(lerum)
    client = verified_client(make_user("reg.lerum", "decisions_registrar", "lerum-socialnamnd"))
    url = f"/beslut/rapporter/{report.pk}/tjansteskrivelse/"
    document = docx_of(client.get(url, MEMO).content)
    statistics, *council = document.tables
    assert table_cells(statistics)[1:] == [["Inga rapporterade beslut detta år."] * 5]
    assert len(council) == 2
    for table in council:
        assert table_cells(table)[1:] == [["Inga beslut."] * 5, ["Summa", "0", "0", "0", ""]]
    pdf = flat(" ".join(pdf_pages(client.get(url, {**MEMO, "format": "pdf"}).content)))
    assert "Inga rapporterade beslut detta år." in pdf
    assert pdf.count("Inga beslut.") == 2


def test_a_tables_caption_is_never_left_alone_at_the_foot_of_a_page(
    registrar_alingsas, alingsas, memo_url, pdf_support
):
    # With the seed's data the council's section 2 starts near the foot of page 1.
    set_alingsas_committee(alingsas)
    client = verified_client(registrar_alingsas)
    captions = {
        "1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut": "Dagar sedan beslutet",
        "2. Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet": (
            "Dagar sedan avbrottet"
        ),
    }
    for page in pdf_pages(client.get(memo_url, {**MEMO, "format": "pdf"}).content):
        for caption, header in captions.items():
            if caption in flat(page):
                assert header in page, caption
    document = docx_of(client.get(memo_url, MEMO).content)
    for paragraph in document.paragraphs:
        if paragraph.text in captions:
            assert paragraph.paragraph_format.keep_with_next, paragraph.text
