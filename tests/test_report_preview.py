"""The running quarter's preview (/beslut/rapporter/pagaende/): the report as it would stand if
nothing happened before the quarter ends, as of today; computed, never stored, never submittable."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.council import council_json
from apps.decisions.ivo_models import IvoPersonCode
from apps.decisions.models import QuarterlyReport, ReportRow
from apps.decisions.preview import preview_view
from apps.decisions.services import report_prepare, report_submit
from insyn.errors import ValidationFailed
from lib.identity_numbers import LegalSex
from lib.quarters import Quarter
from tests.conftest import make_person, verified_client
from tests.decisions_helpers import FAR_FUTURE, decide, event

D = datetime.date
TODAY = D(2022, 11, 20)  # in Q4 2022, whose last day is 2022-12-31
URL = "/beslut/rapporter/pagaende/"


def _decide(municipality, reference, decision_type, decision_date, sex, reason):
    person = make_person(municipality, sex=sex)
    return decide(municipality, reference, decision_type, decision_date, reason=reason, person=person)


@pytest.fixture
def history(alingsas, lerum):
    """As of 2022-11-20, with Q3 submitted (as of 2022-10-10):
    section 1: B-1 Bostad, man, 2022-09-05 (deadline 2022-12-05 still ahead; 76 days)
               K-1 Kontaktfamilj, woman, 2022-07-25 (deadline 2022-10-25 passed; 118 days)
    section 2: BS-1 Boendestöd, woman, decided 2022-01-10, interrupted 2022-07-01 (142 days)
    section 3: BH-1 Behandlingshem, listed in Q3, executed 2022-11-01
    not listed: Öppenvård decided 2022-10-10 (deadline 2023-01-10, after the quarter), Kontaktperson
    executed in time, and Lerum's decision."""
    behandlingshem = _decide(alingsas, "BH-1", "Behandlingshem", D(2022, 5, 2), LegalSex.FEMALE, "Plats saknas")
    report_submit(
        actor=None,
        report=report_prepare(
            actor=None, municipality=alingsas, quarter=Quarter(2022, 3), as_of=D(2022, 10, 10), today=FAR_FUTURE
        ),
    )
    event(behandlingshem, "executed", D(2022, 11, 1))
    _decide(alingsas, "K-1", "Kontaktfamilj", D(2022, 7, 25), LegalSex.FEMALE, "Ingen familj hittad")
    _decide(alingsas, "B-1", "Bostad", D(2022, 9, 5), LegalSex.MALE, "Ingen bostad ledig")
    boendestod = _decide(alingsas, "BS-1", "Boendestöd", D(2022, 1, 10), LegalSex.FEMALE, "Personal saknas")
    event(boendestod, "executed", D(2022, 2, 1))
    event(boendestod, "interrupted", D(2022, 7, 1))
    _decide(alingsas, "O-1", "Öppenvård", D(2022, 10, 10), LegalSex.MALE, "Väntar på plats")
    in_time = _decide(alingsas, "KP-1", "Kontaktperson", D(2022, 6, 1), LegalSex.MALE, "Ingen kontaktperson")
    event(in_time, "executed", D(2022, 8, 15))
    _decide(lerum, "L-1", "Kontaktfamilj", D(2022, 7, 25), LegalSex.FEMALE, "Lerums skäl")
    return alingsas


@pytest.fixture
def today_is(monkeypatch):
    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


def _stored() -> tuple[int, int, int]:
    return QuarterlyReport.objects.count(), ReportRow.objects.count(), IvoPersonCode.objects.count()


def test_the_preview_lists_what_the_report_would_hold_as_of_today(history):
    view = preview_view(history, TODAY)
    assert view.preview is True
    assert (view.report.pk, view.report.year, view.report.quarter, view.report.as_of) == (None, 2022, 4, TODAY)
    listed = {
        section: [(r.reference, r.decision_type_name, r.reason) for r in rows] for section, _t, rows in view.sections
    }
    assert listed == {
        1: [("B-1", "Bostad", "Ingen bostad ledig"), ("K-1", "Kontaktfamilj", "Ingen familj hittad")],
        2: [("BS-1", "Boendestöd", "Personal saknas")],
        3: [("BH-1", "Behandlingshem", "Plats saknas")],
    }
    [executed] = view.sections[2][2]
    assert (executed.outcome, executed.outcome_date) == ("executed", D(2022, 11, 1))
    bostad, kontaktfamilj = view.sections[0][2]
    # Bostad's deadline falls later in the quarter: listed, with the date it would be passed.
    assert getattr(bostad, "deadline_note", None) == "2022-12-05"
    assert getattr(kontaktfamilj, "deadline_note", None) is None
    assert not bostad.closed and not kontaktfamilj.closed


def test_the_preview_counts_the_councils_days_to_today(history):
    # 2022-09-05 → 2022-11-20: 76 days; 2022-07-25 → 2022-11-20: 118; the interruption 2022-07-01 →
    # 2022-11-20: 142 (from the decision 2022-01-10 it would be 314).
    assert council_json(preview_view(history, TODAY).council) == [
        {"decision_type": "Bostad", "section": 1, "women": 0, "men": 1, "days": [76], "protected": True},
        {"decision_type": "Kontaktfamilj", "section": 1, "women": 1, "men": 0, "days": [118], "protected": True},
        {"decision_type": "Boendestöd", "section": 2, "women": 1, "men": 0, "days": [142], "protected": True},
    ]
    # A day later, every wait is one day longer.
    later = council_json(preview_view(history, TODAY + datetime.timedelta(days=1)).council)
    assert [row["days"] for row in later] == [[77], [119], [143]]


def test_the_preview_adds_its_quarter_to_the_years_tables_beside_the_submitted_ones(history):
    stats = preview_view(history, TODAY).statistics
    assert [(row.label, row.counts) for row in stats.by_type] == [
        ("Behandlingshem, ej verkställda", [0, 0, 1, 0]),
        ("Behandlingshem, verkställda", [0, 0, 0, 1]),
        ("Bostad, ej verkställda", [0, 0, 0, 1]),
        ("Kontaktfamilj, ej verkställda", [0, 0, 0, 1]),
        ("Boendestöd, avbrutna", [0, 0, 0, 1]),
    ]
    assert stats.sections == {1: [0, 0, 1, 2], 2: [0, 0, 0, 1], 3: [0, 0, 0, 1]}
    # Q1 and Q2 had no report: shown empty, not as 0.
    assert stats.reported == [False, False, True, True]


def test_the_preview_stores_nothing(history):
    before = _stored()
    preview_view(history, TODAY)
    assert _stored() == before == (1, 1, 1)
    assert not QuarterlyReport.objects.filter(year=2022, quarter=4).exists()


def test_the_page_shows_the_preview_as_of_today_and_offers_no_submission(registrar_alingsas, history, today_is):
    today_is(TODAY)
    before = _stored()
    response = verified_client(registrar_alingsas).get(URL, {"kommun": "alingsas"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Förhandsvisning: Ej verkställda beslut, kvartal 4 2022",
        "Kvartalet pågår. Så här skulle rapporten se ut om inget händer före kvartalets slut, räknat i dag 2022-11-20.",
        "Förhandsvisningen sparas inte och kan inte lämnas in; rapporten tas fram när kvartalet är slut.",
        "Alingsås kommun",
        "Ingen bostad ledig",
        "tidsgränsen passeras 2022-12-05; rapporteras om beslutet inte verkställs före dess",
        "Ingen familj hittad",
        "Personal saknas",
        "Statistikrapport till kommunfullmäktige, kvartal 4 2022",
        '<th scope="row">Kontaktfamilj</th><td class="numeric">–</td><td class="numeric">–</td>'
        '<td class="numeric">1</td><td>118</td>',
        '<th scope="row">Boendestöd</th><td class="numeric">–</td><td class="numeric">–</td>'
        '<td class="numeric">1</td><td>142</td>',
    ]:
        assert text in html, text
    for absent in [
        "Väntar på plats",
        "Ingen kontaktperson",
        "Lerums skäl",
        "lamna-in",
        "Lämna in rapporten",
        "rakna-om",
    ]:
        assert absent not in html, absent
    assert _stored() == before
    audit = AuditEvent.objects.get(object_type="quarterly_report_preview")
    assert (audit.action, audit.actor_username, audit.object_id, audit.municipality_slug) == (
        AuditAction.REPORT_VIEW,
        registrar_alingsas.username,
        "2022Q4",
        "alingsas",
    )
    assert audit.details == {"preview": True, "as_of": "2022-11-20"}


def test_without_a_municipality_the_page_shows_the_registrars_own(registrar_alingsas, history, today_is):
    today_is(TODAY)
    html = verified_client(registrar_alingsas).get(URL).content.decode()
    assert "Ingen familj hittad" in html and "Lerums skäl" not in html


def test_the_preview_is_of_the_quarter_running_today(registrar_alingsas, alingsas):
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    html = verified_client(registrar_alingsas).get(URL).content.decode()
    assert f"kvartal {quarter.number} {quarter.year}" in html
    assert f"räknat i dag {today.isoformat()}" in html


def test_posting_to_the_preview_stores_nothing(registrar_alingsas, history, today_is):
    today_is(TODAY)
    before = _stored()
    verified_client(registrar_alingsas).post(f"{URL}?kommun=alingsas", {"as_of": "2022-11-20"})
    assert _stored() == before


def test_the_running_quarters_report_cannot_be_made_or_submitted_before_the_quarter_ends(
    registrar_alingsas, history, today_is
):
    today_is(TODAY)
    before = _stored()
    with pytest.raises(ValidationFailed) as refused:
        report_prepare(actor=None, municipality=history, quarter=Quarter(2022, 4), as_of=TODAY, today=TODAY)
    assert "kvartalets sista dag (2022-12-31)" in refused.value.fields["as_of"][0]
    response = verified_client(registrar_alingsas).post(
        "/beslut/rapporter/", {"municipality": history.pk, "quarter": "2022Q4", "as_of": "2022-11-20"}
    )
    assert response.status_code == 200 and "kvartalets sista dag (2022-12-31)" in response.content.decode()
    with pytest.raises(CommandError, match="kvartalets sista dag"):
        call_command(
            "ivo",
            "report",
            "--municipality",
            "alingsas",
            "--quarter",
            "2022Q4",
            "--as-of",
            "2022-11-20",
            "--submit",
            stdout=io.StringIO(),
        )
    assert _stored() == before


def test_a_registrar_of_another_municipality_gets_404(registrar_lerum_factory, history, today_is):
    today_is(TODAY)
    client = verified_client(registrar_lerum_factory())
    assert client.get(URL, {"kommun": "alingsas"}).status_code == 404
    assert client.post(f"{URL}?kommun=alingsas").status_code == 404
    assert client.get(URL, {"kommun": "finns-inte"}).status_code == 404
    # Their own municipality's preview holds only their own decisions.
    html = client.get(URL).content.decode()
    assert "Lerums kommun" in html and "Lerums skäl" in html
    assert "Ingen familj hittad" not in html and "Ingen bostad ledig" not in html
    assert not AuditEvent.objects.filter(object_type="quarterly_report_preview", municipality_slug="alingsas").exists()


def test_an_auditor_gets_404(auditor_alingsas, history, today_is):
    today_is(TODAY)
    assert verified_client(auditor_alingsas).get(URL, {"kommun": "alingsas"}).status_code == 404
