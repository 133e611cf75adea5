"""An attack on the nämnd's årsbokslut and delårsbokslut (apps/yearend) as a privacy and security
reviewer would make it: what the public report adds to what an outsider already sees (the förbund's
released ACTivera statistics), the free text that is published, who reaches which page and object,
and the audit log.

The findings of the first attack (published free text outside the guard, a typed outcome over a
computed ACTivera figure) are fixed; their tests now hold like the rest."""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.activera.models import Delivery, Programme
from apps.activera.presentation import cells_of
from apps.activera.releases import released_period
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.yearend.computed import HIDDEN, computed_value, computed_values_refresh
from apps.yearend.document import build_document
from apps.yearend.models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    CouncilGoal,
    GoalAssessment,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
    ProviderFollowUp,
    ReportText,
    SignalStep,
    YearReport,
)
from apps.yearend.services import control as control_services
from apps.yearend.services import goals as goal_services
from apps.yearend.services.editing import goal_assessment_decide, report_text_save, year_report_head_save
from apps.yearend.services.imports import figures_import
from apps.yearend.services.reports import year_report_ensure
from insyn.errors import InsynError, ValidationFailed
from tests.conftest import make_user, verified_client
from tests.privacy_attacker import TOTAL, Attacker, Published
from tests.test_yearend_computed import figure, participants  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# A valid (check digit right) personnummer with a name: what must never reach a public document.
PERSONAL = "Anna Svensson 19790126-1698"
YEAREND_ACTIONS = ("yearend.import", "yearend.change", "yearend.approve", "yearend.export")


@pytest.fixture
def namnd(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="alingsas-socialnamnd")


# --- 1. The computed key figures against the förbund's release, by an exact method ---------------

ALINGSAS_UNIT = "alingsas-activera"
MEASURES = {
    # measure → (row, column) of the "participants" table the report prints
    "activera_participants": ("active", TOTAL),
    "activera_participants_women": ("active", "kvinna"),
    "activera_participants_men": ("active", "man"),
    "activera_exits": ("exited", TOTAL),
}
PERIODS = [("interim", 2025), ("annual", 2025), ("interim", 2026), ("annual", 2026)]


@pytest.fixture
def many_participants(activera, caseworker_alingsas, caseworker_lerum):
    """Enough participants that the release shows some of Alingsås' counts and hides others: in
    2025 seven women (three leave) and three men (one leaves) – total and women large, men small,
    the pattern where a shown total and a shown women's count would give the men away – and in
    2026 those who stayed with four women and six men more (two of them leave). Lerum has its own."""
    from apps.activera.models import Enrolment
    from apps.activera.services import enrolment_exit
    from tests.test_participant_reports import _enrol

    serials = iter(range(10, 100))
    far = datetime.date(2030, 1, 1)

    def enrol(gender: str, start: datetime.date, exit: datetime.date | None = None, slug: str = "alingsas") -> None:
        actor = caseworker_alingsas if slug == "alingsas" else caseworker_lerum
        enrolment = _enrol(
            actor,
            serial=next(serials),
            gender=gender,
            start=start,
            received=start - datetime.timedelta(days=14),
            slug=slug,
        )
        if exit is not None:
            enrolment_exit(
                actor=actor,
                enrolment=Enrolment.objects.get(pk=enrolment.pk),
                exit_date=exit,
                exit_reason="genomford",
                occupation_after="arbete",
                income_after="lon",
                today=far,
            )

    D = datetime.date
    for n in range(7):
        enrol("kvinna", D(2025, 2, 3 + n), D(2025, 6, 30) if n < 3 else None)
    for n in range(3):
        enrol("man", D(2025, 3, 3 + n), D(2025, 7, 31) if n < 1 else None)
    for n in range(4):
        enrol("kvinna", D(2026, 2, 2 + n))
    for n in range(6):
        enrol("man", D(2026, 3, 2 + n), D(2026, 7, 31) if n < 2 else None)
    for n in range(6):
        enrol("kvinna" if n % 2 else "man", D(2025, 4, 1 + n), slug="lerum")


def _release_everything() -> None:
    from tests.activera_helpers import deliver_all

    for kind, year in PERIODS:
        deliver_all(kind, year)


def _published(kind: str, year: int) -> Published:
    """One released period exactly as the förbund's API gives it (apps/activera/api.py)."""
    programme = Programme.objects.get()
    executors, total = released_period(programme, kind, year, 0)
    cells = []
    for unit, delivery in executors:
        if delivery is not None:
            cells += [{**cell, "unit": unit.unit.slug} for cell in cells_of(delivery.content)]
    if total is not None:
        cells += [{**cell, "unit": None} for cell in cells_of(total.content)]
    return Published(kind, year, 0, cells, total.content.get("units", []) if total else [])


def _attacker_with_the_release() -> Attacker:
    attacker = Attacker(scale_range=4)
    for kind, year in PERIODS:
        attacker.read(_published(kind, year))
    return attacker


def _add_report_figures(attacker: Attacker, figures: dict[tuple[str, int], Decimal | str | None]) -> int:
    """Every number the årsbokslut prints for Alingsås, as an equation over the true counts."""
    added = 0
    for (measure, year), value in figures.items():
        if not isinstance(value, Decimal):
            continue
        row, column = MEASURES[measure]
        form = attacker._form(("annual", year, 0), [ALINGSAS_UNIT], "participants", row, column)
        attacker.add(form, float(value), float(value))
        added += 1
    return added


def test_the_reports_activera_figures_with_the_förbunds_release_give_no_hidden_count_away(namnd, many_participants):
    _release_everything()
    figures = {(m, y): computed_value(m, namnd=namnd, year=y) for m in MEASURES for y in (2025, 2026)}
    # The report prints some numbers and hides others as the release does.
    assert HIDDEN in figures.values()
    attacker = _attacker_with_the_release()
    assert attacker.hidden, "the release hides something"
    assert _add_report_figures(attacker, figures) > 0
    assert attacker.attack() == []


def test_the_exact_check_has_teeth_a_report_that_counted_afresh_would_give_the_woman_away(namnd, participants):  # noqa: F811
    _release_everything()
    figures = {(m, y): computed_value(m, namnd=namnd, year=y) for m in MEASURES for y in (2025, 2026)}
    assert figures[("activera_participants_women", 2025)] == HIDDEN
    # Alingsås had one woman in 2025 (tests/test_yearend_computed.py): "kvinnor 1" in the report.
    figures[("activera_participants_women", 2025)] = Decimal(1)
    attacker = _attacker_with_the_release()
    _add_report_figures(attacker, figures)
    labels = [finding.label for finding in attacker.attack()]
    assert any(label.startswith(f"{ALINGSAS_UNIT} ('annual', 2025, 0) participants active/kvinna") for label in labels)


def test_the_reports_activera_figures_are_read_only_from_released_content_never_from_raw(namnd, participants):  # noqa: F811
    """Even a tampered raw copy (the executor's own counts) changes nothing in the report."""
    _release_everything()
    before = {(m, y): computed_value(m, namnd=namnd, year=y) for m in MEASURES for y in (2025, 2026)}
    for delivery in Delivery.objects.filter(programme_unit__unit__slug=ALINGSAS_UNIT):
        delivery.raw = {**delivery.raw, "tampered": True}
        delivery.save(update_fields=["raw"])
    after = {(m, y): computed_value(m, namnd=namnd, year=y) for m in MEASURES for y in (2025, 2026)}
    assert before == after


def test_the_interim_report_has_no_activera_outcome_for_its_own_year(namnd, participants):  # noqa: F811
    """The delårsbokslut of 2026 is written before 2026's annual delivery is released: nothing to
    print for 2026, and nothing taken from the interim delivery either."""
    from tests.activera_helpers import deliver_all

    deliver_all("interim", 2025)
    deliver_all("annual", 2025)
    deliver_all("interim", 2026)
    assert [computed_value(m, namnd=namnd, year=2026) for m in MEASURES] == [None] * 4


def test_a_hand_entered_outcome_cannot_replace_a_computed_activera_figure_the_release_hides(
    namnd,
    participants,  # noqa: F811
):
    _release_everything()
    women = figure(namnd, 2025, "activera_participants_women")
    computed_values_refresh(namnd=namnd, year=2025)
    assert KeyFigureValue.objects.get(key_figure=women, year=2025).text == HIDDEN
    report = year_report_ensure(actor=None, namnd=namnd, year=2025, period="annual")
    controller = make_user("stina.controller", "yearend_controller", "alingsas")
    with contextlib.suppress(ValidationFailed):
        goal_services.key_figure_outcomes_save(actor=controller, report=report, key_figure=women, entries={2025: "1"})
    value = KeyFigureValue.objects.get(key_figure=women, year=2025)
    assert (value.text, value.origin) == (HIDDEN, KeyFigureOrigin.COMPUTED)


# --- 2. Free text that is published -------------------------------------------------------------


def test_the_reports_texts_and_goal_analyses_refuse_a_personnummer(report, controller_alingsas):
    goal = NamndGoal.objects.filter(council_goal__namnd=report.namnd, council_goal__year=report.year).first()
    for key in ("verksamhet", "memo_case", f"goal-{goal.pk}"):
        with pytest.raises(ValidationFailed):
            report_text_save(actor=controller_alingsas, report=report, key=key, body=f"Ärendet gäller {PERSONAL}.")
    assert not ReportText.objects.filter(report=report, body__contains="19790126").exists()


def test_the_report_text_page_refuses_a_personnummer_and_keeps_what_was_typed(report, controller_alingsas):
    response = verified_client(controller_alingsas).post(
        f"/arsbokslut/{report.pk}/texter/verksamhet/", {"text-verksamhet-body": f"Ärendet gäller {PERSONAL}."}
    )
    assert response.status_code == 400
    assert PERSONAL in response.content.decode()
    assert not ReportText.objects.filter(report=report, body__contains="19790126").exists()


def _point(report: YearReport) -> ControlPoint:
    return ControlPoint.objects.filter(namnd=report.namnd, year=report.year).order_by("position").first()


def _council_goal(report: YearReport) -> CouncilGoal:
    return CouncilGoal.objects.filter(namnd=report.namnd, year=report.year).order_by("number").first()


def _table(report: YearReport) -> KeyFigureTable:
    return KeyFigureTable.objects.filter(council_goal__namnd=report.namnd, council_goal__year=report.year).first()


def _write_control_point(report, actor):
    control_services.control_point_save(
        actor=actor, report=report, point=None, risk=PERSONAL, checked="Akter", frequency="År", method="Stickprov"
    )


def _write_control_result(report, actor):
    control_services.control_follow_up_save(
        actor=actor,
        report=report,
        point=_point(report),
        assessment="with_remark",
        result=f"Brist i akten för {PERSONAL}.",
    )


def _write_control_table(report, actor):
    control_services.control_result_table_save(
        actor=actor,
        report=report,
        point=_point(report),
        table=None,
        title="Granskade akter",
        columns="2022",
        grid=f"{PERSONAL};1",
    )


def _write_provider(report, actor):
    control_services.provider_follow_up_save(
        actor=actor,
        report=report,
        provider=None,
        agreement="Adda – HVB",
        followed_up="Avtalets krav",
        met_requirements=False,
        shortcomings=f"Placeringen av {PERSONAL} saknade genomförandeplan.",
    )


def _write_council_goal(report, actor):
    goal_services.council_goal_save(actor=actor, report=report, number=42, title=PERSONAL)


def _write_namnd_goal(report, actor):
    goal_services.namnd_goal_save(
        actor=actor, report=report, council_goal=_council_goal(report), title="Mål", indicator=PERSONAL, agenda2030=""
    )


def _write_table_footnote(report, actor):
    table = _table(report)
    goal_services.key_figure_table_save(
        actor=actor,
        report=report,
        council_goal=table.council_goal,
        table=table,
        after_goal=table.after_goal,
        measured_at="",
        footnote=f"* Gäller {PERSONAL}.",
    )


def _write_key_figure_name(report, actor):
    goal_services.key_figure_save(
        actor=actor,
        report=report,
        table=_table(report),
        name=PERSONAL,
        source="Procapita",
        goal=None,
        target_direction="ge",
        target="",
        show_direction=False,
        decimals=0,
        kolada_kpi="",
        kolada_gender="T",
        computed_measure="",
    )


def _write_key_figure_outcome_text(report, actor):
    key_figure = KeyFigure.objects.filter(table=_table(report)).first()
    goal_services.key_figure_outcomes_save(
        actor=actor, report=report, key_figure=key_figure, entries={report.year: PERSONAL}
    )


def _write_head_recipients(report, actor):
    year_report_head_save(
        actor=actor,
        report=report,
        diary_number=report.diary_number,
        decision_date=report.decision_date,
        memo_date=report.memo_date,
        officer_name=report.officer_name,
        officer_title=report.officer_title,
        direct_number=report.direct_number,
        manager_name=report.manager_name,
        manager_title=report.manager_title,
        recipients=f"Kommunstyrelsen\n{PERSONAL}",
        document_type=report.document_type,
        decision_body=report.decision_body,
    )


def _write_prognosis_name(report, actor):
    figures_import(
        actor=actor,
        namnd=report.namnd,
        kind="prognoses",
        filename="prognoser.csv",
        data=f"år;avstämningstillfälle;prognos_kr\n{report.year};{PERSONAL};6400000\n".encode(),
        period=report.period,
    )


# Published free text that the guard refuses today (apps/yearend/services/common.guard_published_text,
# report_text_save): these must keep refusing.
GUARDED_FREE_TEXT = {
    "control point (Bilaga 1 risk)": _write_control_point,
    "control result (Bilaga 1 Resultat)": _write_control_result,
    "private provider (Bilaga 2 brister)": _write_provider,
    "nämnd goal indicator": _write_namnd_goal,
}
# Published free text that reaches the public document unguarded: the finding.
FORMERLY_UNGUARDED_FREE_TEXT = {
    "council goal": _write_council_goal,
    "table inside a control result": _write_control_table,
    "key figure table footnote": _write_table_footnote,
    "key figure name": _write_key_figure_name,
    "key figure outcome text": _write_key_figure_outcome_text,
    "tjänsteskrivelse recipients": _write_head_recipients,
    "prognosis name (import)": _write_prognosis_name,
}


def _published_document(report: YearReport) -> str:
    return json.dumps(build_document(YearReport.objects.get(pk=report.pk)).as_json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "write",
    [
        *(pytest.param(write, id=name) for name, write in GUARDED_FREE_TEXT.items()),
        *(pytest.param(write, id=name) for name, write in FORMERLY_UNGUARDED_FREE_TEXT.items()),
    ],
)
def test_published_free_text_refuses_a_name_with_a_personnummer(write, report, controller_alingsas):
    with contextlib.suppress(ValidationFailed):
        write(report, controller_alingsas)
    assert "19790126-1698" not in _published_document(report)


# --- 3. Access -------------------------------------------------------------------------------------


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            template = prefix + str(entry.pattern)
            yield f"{namespace}{entry.name}", template, tuple(re.findall(r"<(?:\w+:)?(\w+)>", template))


YEAREND_ROUTES = [
    (name, template, params)
    for name, template, params in _walk(get_resolver().url_patterns)
    if name.startswith("yearend:")
]
READ_ROUTES = {"yearend:list", "yearend:report", "yearend:goals", "yearend:control", "yearend:imports"}
DOWNLOADS = ("json", "docx")


def _objects(report: YearReport) -> dict[str, str]:
    """One object of the report's nämnd and year per URL parameter."""
    goal = NamndGoal.objects.filter(council_goal__namnd=report.namnd, council_goal__year=report.year).first()
    table = KeyFigureTable.objects.filter(council_goal=goal.council_goal).first() or KeyFigureTable.objects.create(
        council_goal=goal.council_goal, position=9
    )
    key_figure = table.key_figures.first() or KeyFigure.objects.create(table=table, position=1, name="N", source="K")
    point = _point(report)
    follow_up, _ = ControlFollowUp.objects.get_or_create(
        point=point, period=report.period, defaults={"assessment": "with_remark"}
    )
    result_table = follow_up.tables.first() or ControlResultTable.objects.create(
        follow_up=follow_up, position=1, title="T"
    )
    provider = ProviderFollowUp.objects.filter(namnd=report.namnd, year=report.year).first()
    return {
        "year_report_id": str(report.pk),
        "text_key": "verksamhet",
        "goal_id": str(goal.pk),
        "council_goal_id": str(goal.council_goal_id),
        "key_figure_table_id": str(table.pk),
        "key_figure_id": str(key_figure.pk),
        "control_point_id": str(point.pk),
        "result_table_id": str(result_table.pk),
        "provider_id": str(provider.pk),
    }


def _urls(report: YearReport) -> dict[str, str]:
    objects = _objects(report)
    urls = {}
    for name, template, params in YEAREND_ROUTES:
        url = "/" + template
        for param in params:
            url = re.sub(rf"<(?:\w+:)?{param}>", objects[param], url)
        urls[name] = url
    return urls


def _yearend_rows() -> int:
    return AuditEvent.objects.filter(action__in=YEAREND_ACTIONS).count()


def test_the_walk_reaches_every_yearend_route_and_every_parameter(report):
    urls = _urls(report)
    assert len(urls) == len(YEAREND_ROUTES) >= 30
    assert all("<" not in url for url in urls.values())


def test_another_municipalitys_controller_gets_404_on_every_yearend_object_route_and_download(report, controller_lerum):
    client = verified_client(controller_lerum)
    before = _yearend_rows()
    for name, url in _urls(report).items():
        if name == "yearend:list":
            body = client.get(url).content.decode()
            assert "Alingsås" not in body and f"/arsbokslut/{report.pk}/" not in body
            continue
        assert client.get(url).status_code in (404,), url
        assert client.post(url, {"kind": "computed"}).status_code == 404, url
    for fmt in (*DOWNLOADS, "pdf"):
        assert client.get(f"/arsbokslut/{report.pk}/?format={fmt}").status_code == 404, fmt
    assert _yearend_rows() == before


def test_the_förbunds_officer_sees_nothing_of_any_municipalitys_reports(report, forbund_officer):
    client = verified_client(forbund_officer)
    listing = client.get("/arsbokslut/")
    assert listing.status_code in (200, 403)
    assert f"/arsbokslut/{report.pk}/" not in listing.content.decode()
    for name, url in _urls(report).items():
        if name == "yearend:list":
            continue
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {}).status_code in (403, 404), url
    for fmt in (*DOWNLOADS, "pdf"):
        assert client.get(f"/arsbokslut/{report.pk}/?format={fmt}").status_code in (403, 404), fmt


def test_a_yearend_controller_granted_in_the_förbund_only_through_a_member_sees_only_that_member(report):
    """A controller of Lerum's socialnämnd (a grant below the municipality) reaches nothing of Alingsås."""
    user = make_user("lina.controller", "yearend_controller", "lerum-socialnamnd")
    client = verified_client(user)
    assert client.get(f"/arsbokslut/{report.pk}/").status_code == 404
    assert client.get(f"/arsbokslut/{report.pk}/?format=json").status_code == 404


def test_an_auditor_reads_and_downloads_but_every_write_is_403_and_changes_nothing(report, auditor_alingsas):
    client = verified_client(auditor_alingsas)
    urls = _urls(report)
    for name in READ_ROUTES:
        assert client.get(urls[name]).status_code == 200, name
    before = _yearend_rows()
    texts = ReportText.objects.filter(report=report).count()
    for name, url in urls.items():
        if name in READ_ROUTES - {"yearend:imports", "yearend:list"}:
            continue
        assert client.post(url, {"kind": "computed"}).status_code == 403, url
    assert _yearend_rows() == before
    assert ReportText.objects.filter(report=report).count() == texts
    assert YearReport.objects.get(pk=report.pk).status == "draft"


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_yearend_route_and_download(report):
    from django.test import Client

    urls = [*_urls(report).values(), *(f"/arsbokslut/{report.pk}/?format={fmt}" for fmt in (*DOWNLOADS, "pdf"))]
    for url in urls:
        for response in (Client().get(url), Client().post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/konto/logga-in/?next="), url


@pytest.fixture
def lerum_objects(report):
    """Lerum's own 2022 årsbokslut with a goal, a key figure, a control point, a provider and a scale."""
    namnd = Organisation.objects.get(slug="lerum-socialnamnd")
    lerum_report = year_report_ensure(actor=None, namnd=namnd, year=2022, period="annual")
    council_goal = CouncilGoal.objects.create(namnd=namnd, year=2022, number=1, title="Lerums mål")
    goal = NamndGoal.objects.create(council_goal=council_goal, position=1, title="Lerums nämndsmål")
    table = KeyFigureTable.objects.create(council_goal=council_goal, position=1)
    key_figure = KeyFigure.objects.create(table=table, position=1, name="Lerums nyckeltal", source="K")
    point = ControlPoint.objects.create(namnd=namnd, year=2022, position=1, risk="Lerums risk", checked="C", method="M")
    follow_up = ControlFollowUp.objects.create(point=point, period="annual", assessment="with_remark")
    result_table = ControlResultTable.objects.create(follow_up=follow_up, position=1, title="Lerums tabell")
    provider = ProviderFollowUp.objects.create(
        namnd=namnd, year=2022, position=1, agreement="Lerums avtal", followed_up="F", met_requirements=True
    )
    step = SignalStep.objects.filter(municipality=namnd.parent).first() or SignalStep.objects.create(
        municipality=namnd.parent, position=1, label="Lerums steg", colour="#1e7b34", symbol="●"
    )
    return {
        "report": lerum_report,
        "council_goal": council_goal,
        "goal": goal,
        "table": table,
        "key_figure": key_figure,
        "point": point,
        "result_table": result_table,
        "provider": provider,
        "step": step,
    }


def test_lerums_object_ids_in_an_alingsås_reports_urls_are_404(
    report, lerum_objects, controller_alingsas, head_alingsas
):
    base = f"/arsbokslut/{report.pk}/"
    own_point = _point(report)
    lerum = lerum_objects
    urls = [
        f"{base}mal/{lerum['goal'].pk}/",
        f"{base}mal-och-nyckeltal/fullmaktige/{lerum['council_goal'].pk}/",
        f"{base}mal-och-nyckeltal/fullmaktige/{lerum['council_goal'].pk}/ta-bort/",
        f"{base}mal-och-nyckeltal/fullmaktige/{lerum['council_goal'].pk}/mal/",
        f"{base}mal-och-nyckeltal/fullmaktige/{lerum['council_goal'].pk}/tabeller/",
        f"{base}mal-och-nyckeltal/mal/{lerum['goal'].pk}/",
        f"{base}mal-och-nyckeltal/mal/{lerum['goal'].pk}/ta-bort/",
        f"{base}mal-och-nyckeltal/tabeller/{lerum['table'].pk}/",
        f"{base}mal-och-nyckeltal/tabeller/{lerum['table'].pk}/ta-bort/",
        f"{base}mal-och-nyckeltal/tabeller/{lerum['table'].pk}/nyckeltal/",
        f"{base}mal-och-nyckeltal/nyckeltal/{lerum['key_figure'].pk}/",
        f"{base}mal-och-nyckeltal/nyckeltal/{lerum['key_figure'].pk}/ta-bort/",
        f"{base}mal-och-nyckeltal/nyckeltal/{lerum['key_figure'].pk}/utfall/",
        f"{base}internkontroll/punkter/{lerum['point'].pk}/",
        f"{base}internkontroll/punkter/{lerum['point'].pk}/ta-bort/",
        f"{base}internkontroll/punkter/{lerum['point'].pk}/uppfoljning/",
        f"{base}internkontroll/punkter/{lerum['point'].pk}/tabeller/ny/",
        f"{base}internkontroll/punkter/{lerum['point'].pk}/tabeller/{lerum['result_table'].pk}/",
        # Alingsås' own point with Lerum's table under it.
        f"{base}internkontroll/punkter/{own_point.pk}/tabeller/{lerum['result_table'].pk}/",
        f"{base}internkontroll/punkter/{own_point.pk}/tabeller/{lerum['result_table'].pk}/ta-bort/",
        f"{base}internkontroll/utforare/{lerum['provider'].pk}/",
        f"{base}internkontroll/utforare/{lerum['provider'].pk}/ta-bort/",
    ]
    before = _yearend_rows()
    for user in (controller_alingsas, head_alingsas):
        client = verified_client(user)
        for url in urls:
            assert client.post(url, {}).status_code == 404, (url, user.username)
    # The text of Lerum's goal answers 404, exactly as a goal that does not exist: nothing saved.
    client = verified_client(controller_alingsas)
    lerum_text = client.post(f"{base}texter/goal-{lerum['goal'].pk}/", {f"text-goal-{lerum['goal'].pk}-body": "x"})
    missing = client.post(f"{base}texter/goal-999999/", {"text-goal-999999-body": "x"})
    assert lerum_text.status_code == missing.status_code == 404
    assert "Lerums" not in lerum_text.content.decode()
    assert _yearend_rows() == before
    assert not ReportText.objects.filter(key=f"goal-{lerum['goal'].pk}").exists()
    assert NamndGoal.objects.filter(pk=lerum["goal"].pk, title="Lerums nämndsmål").exists()
    assert ControlPoint.objects.filter(pk=lerum["point"].pk, risk="Lerums risk").exists()
    assert ProviderFollowUp.objects.filter(pk=lerum["provider"].pk).exists()


def test_form_fields_naming_lerums_objects_are_refused_and_change_nothing(
    report, lerum_objects, controller_alingsas, head_alingsas
):
    base = f"/arsbokslut/{report.pk}/"
    client = verified_client(controller_alingsas)
    lerum = lerum_objects
    council_goal = _council_goal(report)
    table = KeyFigureTable.objects.filter(council_goal=council_goal).first()
    goal = NamndGoal.objects.filter(council_goal=council_goal).first()
    figures_before = KeyFigure.objects.count()
    tables_before = KeyFigureTable.objects.count()

    # A key figure "measuring" Lerum's goal.
    prefix = f"kf-new-{table.pk}"
    data = {"name": "N", "source": "K", "goal": str(lerum["goal"].pk), "target_direction": "ge", "decimals": "0"}
    response = client.post(
        f"{base}mal-och-nyckeltal/tabeller/{table.pk}/nyckeltal/",
        {f"{prefix}-{key}": value for key, value in {**data, "kolada_gender": "T"}.items()},
    )
    assert response.status_code == 400
    assert KeyFigure.objects.count() == figures_before
    assert not KeyFigure.objects.filter(goal=lerum["goal"]).exclude(pk=lerum["key_figure"].pk).exists()

    # A key figure table placed after Lerum's goal.
    prefix = f"table-new-{council_goal.pk}"
    response = client.post(
        f"{base}mal-och-nyckeltal/fullmaktige/{council_goal.pk}/tabeller/",
        {f"{prefix}-after_goal": str(lerum["goal"].pk), f"{prefix}-measured_at": "", f"{prefix}-footnote": ""},
    )
    assert response.status_code == 400
    assert KeyFigureTable.objects.count() == tables_before

    # An assessment on Lerum's signal scale.
    response = client.post(f"{base}mal/{goal.pk}/", {f"goal-{goal.pk}-step": str(lerum["step"].pk)})
    assert response.status_code == 400
    assert not GoalAssessment.objects.filter(report=report, decided=lerum["step"]).exists()

    # A new report for Lerum's nämnd from the Alingsås controller's list page.
    reports_before = YearReport.objects.count()
    response = client.post("/arsbokslut/", {"namnd": str(lerum["report"].namnd_id), "year": "2023", "period": "annual"})
    assert response.status_code == 400
    assert YearReport.objects.count() == reports_before

    # Lerum's signal step through the Alingsås scale form (the förvaltningschef's).
    step_key = f"scale-s{lerum['step'].pk}"
    verified_client(head_alingsas).post(
        f"{base}internkontroll/signalskala/",
        {f"{step_key}_label": "Kapad", f"{step_key}_symbol": "X", f"{step_key}_colour": "#000000"},
    )
    lerum["step"].refresh_from_db()
    assert lerum["step"].label != "Kapad" and lerum["step"].municipality.slug == "lerum"

    # An unknown import kind.
    assert client.post(f"{base}underlag/", {"kind": "lerum"}).status_code == 400


def test_copying_goals_from_a_year_only_lerum_has_is_refused(report, lerum_objects, controller_alingsas):
    CouncilGoal.objects.create(namnd=lerum_objects["report"].namnd, year=2019, number=1, title="Lerum 2019")
    draft = year_report_ensure(actor=None, namnd=report.namnd, year=2024, period="annual")
    response = verified_client(controller_alingsas).post(
        f"/arsbokslut/{draft.pk}/mal-och-nyckeltal/kopiera/", {"copy-from_year": "2019"}
    )
    assert response.status_code == 400
    assert not CouncilGoal.objects.filter(namnd=report.namnd, year=2024).exists()


def test_the_services_refuse_another_municipalitys_objects_even_when_called_directly(
    report, lerum_objects, controller_alingsas
):
    lerum = lerum_objects
    calls = [
        lambda: control_services.control_follow_up_save(
            actor=controller_alingsas, report=report, point=lerum["point"], assessment="with_remark", result="x"
        ),
        lambda: control_services.control_point_delete(actor=controller_alingsas, report=report, point=lerum["point"]),
        lambda: control_services.provider_follow_up_delete(
            actor=controller_alingsas, report=report, provider=lerum["provider"]
        ),
        lambda: goal_services.namnd_goal_delete(actor=controller_alingsas, report=report, goal=lerum["goal"]),
        lambda: goal_services.key_figure_delete(
            actor=controller_alingsas, report=report, key_figure=lerum["key_figure"]
        ),
        lambda: goal_services.key_figure_outcomes_save(
            actor=controller_alingsas, report=report, key_figure=lerum["key_figure"], entries={2022: "5"}
        ),
        lambda: report_text_save(actor=controller_alingsas, report=report, key=f"goal-{lerum['goal'].pk}", body="Text"),
        # Lerum's own report, by an Alingsås controller.
        lambda: report_text_save(actor=controller_alingsas, report=lerum["report"], key="verksamhet", body="Text"),
    ]
    for call in calls:
        with pytest.raises(InsynError):
            call()
    assert KeyFigureValue.objects.filter(key_figure=lerum["key_figure"]).count() == 0
    assert ControlPoint.objects.filter(pk=lerum["point"].pk).exists()
    assert not ReportText.objects.filter(report=lerum["report"], key="verksamhet", body="Text").exists()


# --- 4. The audit log -----------------------------------------------------------------------------


def _new_rows(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__in=YEAREND_ACTIONS).order_by("pk")[before:])


def test_every_download_is_audited_with_the_format_and_the_municipality(report, auditor_alingsas, controller_alingsas):
    for user in (auditor_alingsas, controller_alingsas):
        client = verified_client(user)
        for fmt in DOWNLOADS:
            before = _yearend_rows()
            assert client.get(f"/arsbokslut/{report.pk}/?format={fmt}").status_code == 200
            (row,) = _new_rows(before)
            assert (row.action, row.municipality_slug, row.actor_username) == (
                "yearend.export",
                "alingsas",
                user.username,
            )
            assert row.details["format"] == fmt and row.object_id == str(report.pk)
    # A format that does not exist is neither served nor logged as a download.
    before = _yearend_rows()
    assert verified_client(auditor_alingsas).get(f"/arsbokslut/{report.pk}/?format=xlsx").status_code == 404
    assert _yearend_rows() == before


def test_the_pdf_download_is_audited(report, auditor_alingsas, pdf_support):
    before = _yearend_rows()
    assert verified_client(auditor_alingsas).get(f"/arsbokslut/{report.pk}/?format=pdf").status_code == 200
    (row,) = _new_rows(before)
    assert (row.action, row.municipality_slug, row.details["format"]) == ("yearend.export", "alingsas", "pdf")


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "ekonomi.csv", b"\xc3\xa5r;kontogrupp;budget_kr;utfall_kr\n2022;intakter;12686000;14965900\n"
    )


def test_every_write_through_the_pages_is_audited_with_the_municipality(report, controller_alingsas, head_alingsas):
    base = f"/arsbokslut/{report.pk}/"
    controller, head = verified_client(controller_alingsas), verified_client(head_alingsas)
    council_goal = _council_goal(report)
    goal = NamndGoal.objects.filter(council_goal=council_goal).first()
    table = KeyFigureTable.objects.filter(council_goal=council_goal).first()
    key_figure = table.key_figures.first()
    point = _point(report)
    provider = ProviderFollowUp.objects.filter(namnd=report.namnd, year=report.year).first()
    scale = list(SignalStep.objects.filter(municipality=report.namnd.parent).order_by("position"))
    scale_post = {}
    for step in scale:
        key = f"scale-s{step.pk}"
        scale_post |= {f"{key}_label": step.label, f"{key}_symbol": step.symbol, f"{key}_colour": step.colour}
        scale_post[f"{key}_position"] = str(step.position)
    head_post = {
        "head-document_type": "Redovisande dokument, bokslut",
        "head-decision_body": "Socialnämnden",
        "head-diary_number": "2023.999 SN",
    }
    writes = [
        (controller, f"{base}texter/verksamhet/", {"text-verksamhet-body": "Ny verksamhetstext."}),
        (controller, f"{base}uppgifter/", head_post),
        (
            controller,
            f"{base}mal/{goal.pk}/",
            {f"goal-{goal.pk}-step": str(scale[0].pk), f"goal-{goal.pk}-reason": "Skäl"},
        ),
        (controller, f"{base}mal-och-nyckeltal/fullmaktige/", {"cg-new-number": "9", "cg-new-title": "Nytt mål"}),
        (
            controller,
            f"{base}mal-och-nyckeltal/fullmaktige/{council_goal.pk}/mal/",
            {f"goal-new-{council_goal.pk}-title": "Nytt nämndsmål"},
        ),
        (
            controller,
            f"{base}mal-och-nyckeltal/fullmaktige/{council_goal.pk}/tabeller/",
            {f"table-new-{council_goal.pk}-footnote": "Fotnot"},
        ),
        (
            controller,
            f"{base}mal-och-nyckeltal/nyckeltal/{key_figure.pk}/utfall/",
            {f"out-{key_figure.pk}-year_2022": "12"},
        ),
        (
            controller,
            f"{base}internkontroll/punkter/ny/",
            {
                "point-new-risk": "Risk",
                "point-new-checked": "Vad",
                "point-new-frequency": "År",
                "point-new-method": "Hur",
            },
        ),
        (
            controller,
            f"{base}internkontroll/punkter/{point.pk}/uppfoljning/",
            {
                f"follow-{point.pk}-assessment": "without_remark",
                f"follow-{point.pk}-result": "Utan anmärkning.",
            },
        ),
        (
            controller,
            f"{base}internkontroll/punkter/{point.pk}/tabeller/ny/",
            {
                f"table-new-{point.pk}-title": "Akter",
                f"table-new-{point.pk}-columns": "2022",
                f"table-new-{point.pk}-grid": "Granskade;10",
            },
        ),
        (
            controller,
            f"{base}internkontroll/utforare/{provider.pk}/",
            {
                f"provider-{provider.pk}-agreement": provider.agreement,
                f"provider-{provider.pk}-followed_up": "Nytt",
                f"provider-{provider.pk}-met_requirements": "ja",
            },
        ),
        (controller, f"{base}underlag/", {"kind": "economy", "economy-file": _upload()}),
        (head, f"{base}internkontroll/signalskala/", {**scale_post, f"scale-s{scale[0].pk}_label": "Omdöpt"}),
        (
            head,
            f"{base}internkontroll/datum/",
            {
                "dates-annual_due_day": "28",
                "dates-annual_due_month": "2",
                "dates-interim_due_day": "30",
                "dates-interim_due_month": "9",
            },
        ),
        (controller, f"{base}internkontroll/utforare/{provider.pk}/ta-bort/", {}),
        (head, f"{base}godkann/", {}),
        (head, f"{base}oppna-igen/", {}),
    ]
    unaudited = []
    for client, url, data in writes:
        if url.endswith("godkann/"):
            # Every goal must be assessed before approval: the goal added above is, here.
            for new_goal in NamndGoal.objects.filter(council_goal=council_goal, title="Nytt nämndsmål"):
                goal_assessment_decide(
                    actor=controller_alingsas, report=report, goal=new_goal, step=scale[-1], reason="Skäl"
                )
        before = _yearend_rows()
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.status_code)
        rows = _new_rows(before)
        if not rows or any(row.municipality_slug != "alingsas" for row in rows):
            unaudited.append(url)
    assert unaudited == []
