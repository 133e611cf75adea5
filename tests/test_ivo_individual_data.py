"""IVO's individual data, field by field as IVO's e-service asks for it, and the record of what the
registrar has entered there (per report, or as soon as an execution happens)."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.ivo import FIELD_LABELS, ivo_closure_record, ivo_json, ivo_reports
from apps.decisions.ivo_models import IvoEntry, IvoPersonCode
from apps.decisions.services import decision_offer_add, decision_update_waiting, report_prepare, report_submit
from apps.people.services import person_create
from insyn.errors import ValidationFailed
from lib.identity_numbers import LegalSex, fictional_number
from lib.quarters import Quarter
from tests.conftest import verified_client
from tests.decisions_helpers import FAR_FUTURE, decide, event

D = datetime.date
CODE = "Personnummer (födelsedatum och fyra tecken)"

# IVO's individual report: Rapportuppgifter, Uppgifter om individen, Uppgifter om beslutet.
EXPECTED_LABELS = [
    "Kommun",
    "Nämnd",
    "Rapporteringsperiod",
    "Rapporten gäller",
    "Först rapporterad",
    "Personnummer (födelsedatum och fyra tecken)",
    "Kön",
    "Skyddade personuppgifter",
    "Inriktning för beslutet",
    "Lagrum",
    "Beviljat bistånd/insats",
    "Datum för gynnande beslut",
    "Datum för när verkställigheten avbröts",
    "Skäl till att beslutet inte verkställts",
    "Konsekvenser för den enskilde",
    "Andra insatser i avvaktan på verkställighet",
    "Erbjudanden om insats",
    "Delvis verkställt",
    "Verkställt eller avslutat",
    "Datum för verkställighet eller avslut",
    "Orsak till avslut",
    "Informationsruta",
]
NOT_EXECUTED = "Gynnande beslut som inte verkställts inom tre månader från beslutet"
INTERRUPTED = "Avbrott i verkställigheten som inte verkställts på nytt inom tre månader"
CLOSED = "Tidigare rapporterat beslut som nu verkställts eller avslutats"


def _person(municipality, birth: datetime.date, sex: LegalSex, serial: int, *, coordination: bool = False):
    number = fictional_number(birth, serial=serial, legal_sex=sex, coordination=coordination)
    return person_create(
        actor=None, municipality=municipality, identity_number=number, first_name="Test", last_name="Testsson"
    )


def _waiting(decision, *, reason: str, consequences: str = "", interim: str = "", area: str = "", protected=False):
    decision_update_waiting(
        actor=None,
        decision=decision,
        caseworker="Handläggare H",
        delay_reason="resource_shortage",
        delay_reason_text=reason,
        consequences=consequences,
        interim_support=interim,
        ivo_area=area,
        protected_identity=protected,
    )


def _prepare(municipality, label: str, as_of: datetime.date):
    return report_prepare(
        actor=None, municipality=municipality, quarter=Quarter.parse(label), as_of=as_of, today=FAR_FUTURE
    )


@pytest.fixture
def history(alingsas, lerum):
    """Alingsås 2022. Q3 (as of 2022-10-10, submitted):
      section 1: IVO-3 Daglig verksamhet (LSS) 2022-06-01 (P3, samordningsnummer, man),
                 IVO-1 Kontaktfamilj 2022-05-02 (P1, woman; offers, partly executed)
      section 2: IVO-2 Boendestöd 2022-01-10, interrupted 2022-06-15 (P2, man, protected identity)
    Q4 (as of 2023-01-11, draft):
      section 1: IVO-4 Behandlingshem 2022-08-10 (P1 again), ended 2022-12-20 before ever reported;
                 IVO-1 still open
      section 3: IVO-3 executed 2022-12-01; IVO-2 ended 2022-11-30 (application withdrawn)
    """
    p1 = _person(alingsas, D(1985, 3, 14), LegalSex.FEMALE, 1)
    p2 = _person(alingsas, D(1979, 11, 2), LegalSex.MALE, 2)
    p3 = _person(alingsas, D(1990, 7, 21), LegalSex.MALE, 3, coordination=True)
    d1 = decide(alingsas, "IVO-1", "Kontaktfamilj", D(2022, 5, 2), reason="Ingen familj", person=p1)
    _waiting(
        d1,
        reason="Ingen familj",
        consequences="Barnet saknar avlastning",
        interim="Stödsamtal varannan vecka",
        area="children_and_family",
    )
    decision_offer_add(
        actor=None,
        decision=d1,
        offered_on=D(2022, 7, 1),
        declined=True,
        note="Familjen bodde för långt bort",
        today=FAR_FUTURE,
    )
    decision_offer_add(actor=None, decision=d1, offered_on=D(2022, 9, 15), declined=False, today=FAR_FUTURE)
    event(d1, "partly_executed", D(2022, 8, 20), missing_part="Helgvistelser")
    d2 = decide(alingsas, "IVO-2", "Boendestöd", D(2022, 1, 10), reason="Personal saknas", person=p2)
    _waiting(d2, reason="Personal saknas", area="social_psychiatry", protected=True)
    event(d2, "executed", D(2022, 2, 1))
    event(d2, "interrupted", D(2022, 6, 15))
    d3 = decide(alingsas, "IVO-3", "Daglig verksamhet (LSS)", D(2022, 6, 1), reason="Plats saknas", person=p3)
    d4 = decide(alingsas, "IVO-4", "Behandlingshem", D(2022, 8, 10), reason="Plats saknas", person=p1)
    lerum_person = _person(lerum, D(1970, 1, 1), LegalSex.FEMALE, 4)
    decide(lerum, "L-1", "Kontaktfamilj", D(2022, 5, 2), reason="Annan kommun", person=lerum_person)
    q3 = report_submit(actor=None, report=_prepare(alingsas, "2022Q3", D(2022, 10, 10)))
    event(d2, "ended", D(2022, 11, 30), end_reason="application_withdrawn")
    event(d3, "executed", D(2022, 12, 1))
    event(d4, "ended", D(2022, 12, 20), end_reason="other", end_reason_text="Ordnade plats själv")
    q4 = _prepare(alingsas, "2022Q4", D(2023, 1, 11))
    return {"q3": q3, "q4": q4, "d1": d1, "d2": d2, "d3": d3, "d4": d4, "p1": p1, "p2": p2, "p3": p3}


def _by_reference(report) -> dict[str, dict[str, str]]:
    return {item.row.reference: item.fields for item in ivo_reports(report)}


def _row(report, reference: str):
    return report.rows.get(reference=reference)


def _xlsx_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Individrapporter IVO"]
    return [
        tuple("" if v is None else v for v in row)
        for row in workbook["Individrapporter IVO"].iter_rows(values_only=True)
    ]


# --- The fields -----------------------------------------------------------------------------------


def test_the_fields_are_the_e_services_in_its_order():
    assert FIELD_LABELS == EXPECTED_LABELS


def test_a_decision_not_executed_gives_every_field_of_the_e_service(history):
    fields = _by_reference(history["q3"])["IVO-1"]
    code = fields[CODE]
    assert list(fields.items()) == [
        ("Kommun", "Alingsås kommun"),
        ("Nämnd", "Socialnämnden"),
        ("Rapporteringsperiod", "Kvartal 3 2022"),
        ("Rapporten gäller", NOT_EXECUTED),
        ("Först rapporterad", "Kvartal 3 2022"),
        (CODE, code),
        ("Kön", "Kvinna/Flicka"),
        ("Skyddade personuppgifter", "Nej"),
        ("Inriktning för beslutet", "Barn och familj"),
        ("Lagrum", "4 kap. 1 § SoL"),
        ("Beviljat bistånd/insats", "Kontaktfamilj"),
        ("Datum för gynnande beslut", "2022-05-02"),
        ("Datum för när verkställigheten avbröts", ""),
        ("Skäl till att beslutet inte verkställts", "Brist på lämplig resurs – Ingen familj"),
        ("Konsekvenser för den enskilde", "Barnet saknar avlastning"),
        ("Andra insatser i avvaktan på verkställighet", "Stödsamtal varannan vecka"),
        ("Erbjudanden om insats", "2022-07-01 (tackade nej): Familjen bodde för långt bort; 2022-09-15"),
        ("Delvis verkställt", "2022-08-20; återstår: Helgvistelser"),
        ("Verkställt eller avslutat", ""),
        ("Datum för verkställighet eller avslut", ""),
        ("Orsak till avslut", ""),
        ("Informationsruta", ""),
    ]


def test_the_identifier_is_the_birth_date_and_four_characters_whose_third_tells_the_sex(history):
    fields = _by_reference(history["q3"])
    woman, man, coordination = fields["IVO-1"][CODE], fields["IVO-2"][CODE], fields["IVO-3"][CODE]
    assert re.fullmatch(r"19850314-T\d{3}", woman)
    assert re.fullmatch(r"19791102-T\d{3}", man)
    # A samordningsnummer's day is the birth day + 60: IVO takes the birth date (21, not 81).
    assert re.fullmatch(r"19900721-T\d{3}", coordination)
    # ÅÅÅÅMMDD-T123: the four characters' third position (the 2) is even for a woman, odd for a man.
    assert int(woman[11]) % 2 == 0
    assert int(man[11]) % 2 == 1 and int(coordination[11]) % 2 == 1
    for code in (woman, man, coordination):
        assert "T" + code[10:] == code[9:] and len(code) == 13


def test_the_identifier_stays_the_same_for_a_person_across_quarters_and_differs_between_people(history):
    q3, q4 = _by_reference(history["q3"]), _by_reference(history["q4"])
    p1 = q3["IVO-1"][CODE]
    assert q4["IVO-1"][CODE] == p1
    # Another decision of the same person, first reported in Q4: the same identifier.
    assert q4["IVO-4"][CODE] == p1
    assert q4["IVO-2"][CODE] == q3["IVO-2"][CODE] and q4["IVO-3"][CODE] == q3["IVO-3"][CODE]
    assert len({p1, q3["IVO-2"][CODE], q3["IVO-3"][CODE]}) == 3
    assert IvoPersonCode.objects.get(person=history["p1"]).code == p1
    # Recomputing the draft keeps every identifier.
    again = _prepare(history["q4"].municipality, "2022Q4", D(2023, 1, 12))
    assert {ref: f[CODE] for ref, f in _by_reference(again).items()} == {ref: f[CODE] for ref, f in q4.items()}
    assert IvoPersonCode.objects.count() == 3


def test_people_born_the_same_day_get_different_identifiers(alingsas):
    from apps.decisions.ivo import ivo_codes_assign

    people = [_person(alingsas, D(2001, 2, 3), LegalSex.MALE, serial) for serial in range(10, 30)]
    codes = ivo_codes_assign(municipality=alingsas, people=people)
    assert len(set(codes.values())) == len(people) == 20
    assert all(re.fullmatch(r"20010203-T\d[13579]\d", code) for code in codes.values())
    assert ivo_codes_assign(municipality=alingsas, people=people) == codes


def test_the_personnummer_and_the_name_never_appear(history):
    from apps.people.selectors import identity_number_of

    text = json.dumps(ivo_json(history["q3"]), ensure_ascii=False)
    for person in (history["p1"], history["p2"], history["p3"]):
        number = identity_number_of(person)
        for form in (number, number[2:], f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"):
            assert form not in text
        assert person.code not in text
    assert "Testsson" not in text


def test_protected_identity_is_noted_for_the_information_box(history):
    fields = _by_reference(history["q3"])["IVO-2"]
    assert fields["Skyddade personuppgifter"] == "Ja"
    assert fields["Informationsruta"] == "Personen har skyddade personuppgifter."
    assert _by_reference(history["q3"])["IVO-1"]["Informationsruta"] == ""


def test_an_interruption_gives_its_date_beside_the_decision_date(history):
    fields = _by_reference(history["q3"])["IVO-2"]
    assert fields["Rapporten gäller"] == INTERRUPTED
    assert fields["Datum för gynnande beslut"] == "2022-01-10"
    assert fields["Datum för när verkställigheten avbröts"] == "2022-06-15"
    assert (fields["Kön"], fields["Inriktning för beslutet"], fields["Beviljat bistånd/insats"]) == (
        "Man/Pojke",
        "Socialpsykiatri",
        "Boendestöd",
    )
    assert fields["Skäl till att beslutet inte verkställts"] == "Brist på lämplig resurs – Personal saknas"


def test_an_lss_decision_gives_its_provision_and_no_inriktning(history):
    fields = _by_reference(history["q3"])["IVO-3"]
    assert fields["Lagrum"] == "9 § 10 LSS"
    assert fields["Inriktning för beslutet"] == "Gäller inte (LSS)"
    assert fields["Beviljat bistånd/insats"] == "Daglig verksamhet (LSS)"


def test_a_closed_decision_says_executed_or_ended_with_the_date_and_the_end_reason(history):
    q4 = _by_reference(history["q4"])
    assert [item.row.reference for item in ivo_reports(history["q4"])] == ["IVO-4", "IVO-1", "IVO-3", "IVO-2"]
    executed, ended = q4["IVO-3"], q4["IVO-2"]
    assert (executed["Rapporten gäller"], executed["Först rapporterad"], executed["Rapporteringsperiod"]) == (
        CLOSED,
        "Kvartal 3 2022",
        "Kvartal 4 2022",
    )
    assert (
        executed["Verkställt eller avslutat"],
        executed["Datum för verkställighet eller avslut"],
        executed["Orsak till avslut"],
    ) == ("Verkställt", "2022-12-01", "")
    assert (ended["Verkställt eller avslutat"], ended["Datum för verkställighet eller avslut"]) == (
        "Avslutat",
        "2022-11-30",
    )
    assert ended["Orsak till avslut"] == "Ansökan återkallad"
    # The closing report of an interruption still gives the interruption's date.
    assert ended["Datum för när verkställigheten avbröts"] == "2022-06-15"
    # Still open: nothing about an outcome.
    assert (q4["IVO-1"]["Verkställt eller avslutat"], q4["IVO-1"]["Rapporten gäller"]) == ("", NOT_EXECUTED)


def test_a_decision_that_ended_before_it_was_ever_reported_is_reported_once_with_its_end(history):
    fields = _by_reference(history["q4"])["IVO-4"]
    assert (fields["Rapporten gäller"], fields["Först rapporterad"]) == (NOT_EXECUTED, "Kvartal 4 2022")
    assert (
        fields["Verkställt eller avslutat"],
        fields["Datum för verkställighet eller avslut"],
        fields["Orsak till avslut"],
    ) == ("Avslutat", "2022-12-20", "Annat: Ordnade plats själv")
    # IVO's list of insatser: Behandlingshem/HVB; no inriktning recorded.
    assert (fields["Beviljat bistånd/insats"], fields["Inriktning för beslutet"]) == (
        "Behandlingshem/HVB",
        "Ej angiven",
    )


def test_the_namnd_field_is_the_name_the_municipality_gives_its_committee(history):
    from apps.decisions.models import CommitteeSettings

    CommitteeSettings.objects.create(
        municipality=history["q3"].municipality, committee_name="Social- och omsorgsnämnden"
    )
    history["q3"].municipality.refresh_from_db()
    fields = _by_reference(history["q3"])["IVO-1"]
    assert fields["Nämnd"] == "Social- och omsorgsnämnden"


# --- The page and its exports --------------------------------------------------------------------


def test_the_page_shows_every_report_field_by_field_and_is_audited(registrar_alingsas, history):
    client = verified_client(registrar_alingsas)
    html = client.get(f"/beslut/rapporter/{history['q3'].pk}/ivo/").content.decode()
    assert "Individrapporter till IVO, kvartal 3 2022" in html
    assert html.count("Markera som inrapporterad") == 3
    first = html[html.index("kommunens referens IVO-3") : html.index("kommunens referens IVO-1")]
    positions = [first.index(f"<dt>{label}</dt>") for label in EXPECTED_LABELS]
    assert positions == sorted(positions)
    for group in ("Rapportuppgifter", "Uppgifter om individen", "Uppgifter om beslutet"):
        assert f"<h3>{group}</h3>" in first
    assert "<dt>Lagrum</dt><dd>9 § 10 LSS</dd>" in first
    assert "Testsson" not in html
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.IVO_INDIVIDUAL_VIEW, actor_username=registrar_alingsas.username
        ).count()
        == 1
    )


def test_the_xlsx_export_has_the_fields_as_columns_in_order(registrar_alingsas, history):
    client = verified_client(registrar_alingsas)
    response = client.get(f"/beslut/rapporter/{history['q3'].pk}/ivo/", {"format": "xlsx"})
    rows = _xlsx_rows(response.content)
    assert rows[0] == (*EXPECTED_LABELS, "Kommunens referens (anges inte till IVO)", "Inrapporterad i e-tjänsten")
    assert [row[-2] for row in rows[1:]] == ["IVO-3", "IVO-1", "IVO-2"]
    expected = _by_reference(history["q3"])
    for row in rows[1:]:
        assert row[:-2] == tuple(expected[row[-2]][label] for label in EXPECTED_LABELS)
        assert row[-1] == ""
    assert AuditEvent.objects.filter(action=AuditAction.IVO_INDIVIDUAL_EXPORT, details__format="xlsx").count() == 1


def test_the_json_export_and_the_cli_give_the_same_objects(registrar_alingsas, history, tmp_path):
    client = verified_client(registrar_alingsas)
    web = json.loads(client.get(f"/beslut/rapporter/{history['q3'].pk}/ivo/", {"format": "json"}).content)
    path = tmp_path / "ivo.json"
    call_command(
        "ivo",
        "individual",
        "--municipality",
        "alingsas",
        "--quarter",
        "2022Q3",
        "--format",
        "json",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    cli = json.loads(path.read_text())
    assert cli == web
    assert [(o["reference"], o["section"], o["entered"]) for o in cli] == [
        ("IVO-3", 1, None),
        ("IVO-1", 1, None),
        ("IVO-2", 2, None),
    ]
    for item in cli:
        assert list(item["fields"]) == EXPECTED_LABELS
    assert cli[1]["fields"] == _by_reference(history["q3"])["IVO-1"]
    cli_audit = AuditEvent.objects.get(action=AuditAction.IVO_INDIVIDUAL_EXPORT, channel="cli")
    assert (cli_audit.object_id, cli_audit.details["format"]) == (str(history["q3"].pk), "json")
    assert cli_audit.details["codes"] == sorted(p.code for p in (history["p1"], history["p2"], history["p3"]))


def test_the_cli_writes_the_xlsx(history, tmp_path):
    path = tmp_path / "ivo.xlsx"
    call_command(
        "ivo",
        "individual",
        "--municipality",
        "alingsas",
        "--quarter",
        "2022Q4",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    rows = _xlsx_rows(path.read_bytes())
    assert rows[0][: len(EXPECTED_LABELS)] == tuple(EXPECTED_LABELS)
    columns = {label: i for i, label in enumerate(rows[0])}
    by_reference = {row[-2]: row for row in rows[1:]}
    assert list(by_reference) == ["IVO-4", "IVO-1", "IVO-3", "IVO-2"]
    ended = by_reference["IVO-2"]
    assert ended[columns["Verkställt eller avslutat"]] == "Avslutat"
    assert ended[columns["Orsak till avslut"]] == "Ansökan återkallad"
    assert ended[columns["Datum för när verkställigheten avbröts"]] == "2022-06-15"
    assert ended[columns["Skyddade personuppgifter"]] == "Ja"


def test_the_cli_refuses_a_quarter_without_a_report(history):
    with pytest.raises(CommandError, match="ingen rapport för 2023Q1"):
        call_command("ivo", "individual", "--municipality", "alingsas", "--quarter", "2023Q1", stdout=io.StringIO())


# --- Marking a report as entered in the e-service --------------------------------------------------


def test_marking_a_report_as_entered_records_the_date_the_user_and_an_audit_row(registrar_alingsas, history):
    q3 = history["q3"]
    row = _row(q3, "IVO-1")
    client = verified_client(registrar_alingsas)
    response = client.post(f"/beslut/rapporter/{q3.pk}/ivo/inrapporterad/", {"row": row.pk, "entered_on": "2022-10-14"})
    assert response.status_code == 302 and response["Location"] == f"/beslut/rapporter/{q3.pk}/ivo/"
    entry = IvoEntry.objects.get()
    assert (entry.report_id, entry.decision_id, entry.episode_kind, entry.episode_start) == (
        q3.pk,
        history["d1"].pk,
        "not_executed",
        D(2022, 5, 2),
    )
    assert (entry.entered_on, entry.entered_by, entry.closure, entry.outcome, entry.outcome_date) == (
        D(2022, 10, 14),
        registrar_alingsas,
        False,
        "",
        None,
    )
    audit = AuditEvent.objects.get(object_type="ivo_entry")
    assert audit.action == AuditAction.IVO_INDIVIDUAL_EXPORT
    assert (audit.actor_username, audit.object_id, audit.municipality_slug) == (
        registrar_alingsas.username,
        str(entry.pk),
        "alingsas",
    )
    assert audit.person_code == history["p1"].code
    assert audit.details["reference"] == "IVO-1" and audit.details["entered_on"] == "2022-10-14"
    assert audit.details["quarter"] == "2022Q3" and audit.details["section"] == 1
    # Shown on the page, in the JSON and in the XLSX.
    html = client.get(f"/beslut/rapporter/{q3.pk}/ivo/").content.decode()
    assert "2022-10-14 av rut.registrator" in html
    assert html.count("Markera som inrapporterad") == 2
    data = {o["reference"]: o for o in json.loads(client.get(f"/beslut/rapporter/{q3.pk}/ivo/?format=json").content)}
    assert data["IVO-1"]["entered"] == {"on": "2022-10-14", "by": "rut.registrator"}
    assert data["IVO-2"]["entered"] is None
    rows = _xlsx_rows(client.get(f"/beslut/rapporter/{q3.pk}/ivo/?format=xlsx").content)
    assert {row[-2]: row[-1] for row in rows[1:]} == {
        "IVO-3": "",
        "IVO-1": "2022-10-14 av rut.registrator",
        "IVO-2": "",
    }


def test_an_entry_belongs_to_its_report_and_cannot_be_made_twice(registrar_alingsas, history):
    q3, q4 = history["q3"], history["q4"]
    client = verified_client(registrar_alingsas)
    url = f"/beslut/rapporter/{q3.pk}/ivo/inrapporterad/"
    client.post(url, {"row": _row(q3, "IVO-1").pk, "entered_on": "2022-10-14"})
    again = client.post(url, {"row": _row(q3, "IVO-1").pk, "entered_on": "2022-10-15"})
    assert again.status_code == 400
    assert "redan inrapporterad i IVO:s e-tjänst (2022-10-14)" in again.content.decode()
    assert IvoEntry.objects.count() == 1
    # The next quarter's report of the same wait is a new individual report, not yet entered.
    assert {i.row.reference: i.entry for i in ivo_reports(q4)}["IVO-1"] is None
    # A row of another report is refused.
    other = client.post(url, {"row": _row(q4, "IVO-4").pk, "entered_on": "2023-01-12"})
    assert other.status_code == 400 and "Raden finns inte i rapporten" in other.content.decode()
    assert IvoEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("reference", "entered_on", "message"),
    [
        # Not before the deadline of the wait: 2022-05-02 + 3 months.
        ("IVO-1", "2022-08-01", "Rapporten kan inte ha lämnats före 2022-08-02."),
        # The interruption's deadline: 2022-06-15 + 3 months.
        ("IVO-2", "2022-09-14", "Rapporten kan inte ha lämnats före 2022-09-15."),
        ("IVO-1", "2099-01-01", "Datumet kan inte ligga i framtiden."),
        ("IVO-1", "", "Ange datum"),
    ],
)
def test_an_entry_date_that_cannot_be_right_is_refused(registrar_alingsas, history, reference, entered_on, message):
    q3 = history["q3"]
    response = verified_client(registrar_alingsas).post(
        f"/beslut/rapporter/{q3.pk}/ivo/inrapporterad/", {"row": _row(q3, reference).pk, "entered_on": entered_on}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IvoEntry.objects.exists()
    assert not AuditEvent.objects.filter(object_type="ivo_entry").exists()


def test_a_closing_report_is_entered_with_its_outcome_not_before_it(registrar_alingsas, history):
    q4 = history["q4"]
    client = verified_client(registrar_alingsas)
    url = f"/beslut/rapporter/{q4.pk}/ivo/inrapporterad/"
    row = _row(q4, "IVO-2")
    early = client.post(url, {"row": row.pk, "entered_on": "2022-11-29"})
    assert early.status_code == 400 and "före 2022-11-30" in early.content.decode()
    assert client.post(url, {"row": row.pk, "entered_on": "2023-01-13"}).status_code == 302
    entry = IvoEntry.objects.get()
    assert (entry.closure, entry.outcome, entry.outcome_date, entry.episode_kind, entry.episode_start) == (
        True,
        "ended",
        D(2022, 11, 30),
        "interrupted",
        D(2022, 6, 15),
    )
    # The section-1 row that was closed before it was ever reported is a closing report too.
    assert client.post(url, {"row": _row(q4, "IVO-4").pk, "entered_on": "2023-01-13"}).status_code == 302
    closed = IvoEntry.objects.get(decision=history["d4"])
    assert (closed.closure, closed.outcome, closed.outcome_date) == (True, "ended", D(2022, 12, 20))


# --- Reporting an execution to IVO as soon as it happens -------------------------------------------


def test_an_execution_is_reported_to_ivo_as_soon_as_it_happens(registrar_alingsas, history):
    q4 = report_submit(actor=None, report=history["q4"])
    d1 = history["d1"]
    client = verified_client(registrar_alingsas)
    url = f"/beslut/{d1.pk}/ivo-verkstallt/"
    # Nothing to report while the decision waits.
    nothing = client.post(url, {"entered_on": "2023-01-20"})
    assert nothing.status_code == 400
    with pytest.raises(ValidationFailed) as refused:
        ivo_closure_record(actor=registrar_alingsas, decision=d1, entered_on=D(2023, 1, 20))
    assert refused.value.fields["entered_on"] == [
        "Beslutet har ingen väntan som rapporterats till IVO och sedan verkställts eller avslutats."
    ]
    assert (
        "Registrera att verkställigheten är rapporterad till IVO"
        not in client.get(f"/beslut/{d1.pk}/").content.decode()
    )
    event(d1, "executed", D(2023, 2, 10))
    assert "Registrera att verkställigheten är rapporterad till IVO" in client.get(f"/beslut/{d1.pk}/").content.decode()
    early = client.post(url, {"entered_on": "2023-02-09"})
    assert early.status_code == 400 and "före 2023-02-10" in early.content.decode()
    response = client.post(url, {"entered_on": "2023-02-12"})
    assert response.status_code == 302 and response["Location"] == f"/beslut/{d1.pk}/"
    entry = IvoEntry.objects.get()
    assert (entry.report, entry.closure, entry.outcome, entry.outcome_date) == (None, True, "executed", D(2023, 2, 10))
    assert (entry.entered_on, entry.entered_by, entry.episode_start) == (
        D(2023, 2, 12),
        registrar_alingsas,
        D(2022, 5, 2),
    )
    audit = AuditEvent.objects.get(object_type="ivo_entry")
    assert (audit.action, audit.actor_username, audit.details["outcome"], audit.details["date"]) == (
        AuditAction.IVO_INDIVIDUAL_EXPORT,
        registrar_alingsas.username,
        "executed",
        "2023-02-10",
    )
    detail = client.get(f"/beslut/{d1.pk}/").content.decode()
    assert (
        "2023-02-12: verkställighet eller avslut, rapporterad när den skedde (verkställt 2023-02-10) – rut.registrator"
        in detail
    )
    assert "Registrera att verkställigheten är rapporterad till IVO" not in detail
    # Once is enough.
    assert client.post(url, {"entered_on": "2023-02-13"}).status_code == 400
    assert IvoEntry.objects.count() == 1
    # The next quarter lists it in section 3 and shows it already entered, with no form to enter it again.
    q1 = _prepare(q4.municipality, "2023Q1", D(2023, 4, 11))
    item = next(i for i in ivo_reports(q1) if i.row.reference == "IVO-1")
    assert item.row.section == 3 and item.fields["Verkställt eller avslutat"] == "Verkställt"
    assert item.fields["Datum för verkställighet eller avslut"] == "2023-02-10"
    assert item.entered_text == "2023-02-12 av rut.registrator (verkställigheten rapporterades när den skedde)"
    html = client.get(f"/beslut/rapporter/{q1.pk}/ivo/").content.decode()
    assert "2023-02-12 av rut.registrator (verkställigheten rapporterades när den skedde)" in html
    twice = client.post(
        f"/beslut/rapporter/{q1.pk}/ivo/inrapporterad/", {"row": _row(q1, "IVO-1").pk, "entered_on": "2023-04-12"}
    )
    assert twice.status_code == 400 and "redan inrapporterad" in twice.content.decode()


def test_only_a_wait_listed_open_in_a_submitted_report_can_be_reported_early(registrar_alingsas, history):
    # IVO-4 ended before any submitted report listed it: the quarter's report carries its end.
    response = verified_client(registrar_alingsas).post(
        f"/beslut/{history['d4'].pk}/ivo-verkstallt/", {"entered_on": "2023-01-05"}
    )
    assert response.status_code == 400
    assert not IvoEntry.objects.exists()


# --- Who may see and record ------------------------------------------------------------------------


def test_a_registrar_of_another_municipality_gets_404_on_every_page_and_post(registrar_lerum_factory, history):
    lerum_registrar = registrar_lerum_factory()
    client = verified_client(lerum_registrar)
    q3, q4 = history["q3"], history["q4"]
    for url in [
        f"/beslut/rapporter/{q3.pk}/ivo/",
        f"/beslut/rapporter/{q3.pk}/ivo/?format=xlsx",
        f"/beslut/rapporter/{q3.pk}/ivo/?format=json",
        f"/beslut/rapporter/{q4.pk}/ivo/",
        f"/beslut/{history['d1'].pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/beslut/rapporter/{q3.pk}/ivo/inrapporterad/", {"row": _row(q3, "IVO-1").pk, "entered_on": "2022-10-14"}
        ).status_code
        == 404
    )
    report_submit(actor=None, report=q4)
    event(history["d1"], "executed", D(2023, 2, 10))
    assert client.post(f"/beslut/{history['d1'].pk}/ivo-verkstallt/", {"entered_on": "2023-02-12"}).status_code == 404
    assert not IvoEntry.objects.exists()
    assert not AuditEvent.objects.filter(
        actor_username=lerum_registrar.username,
        action__in=[AuditAction.IVO_INDIVIDUAL_VIEW, AuditAction.IVO_INDIVIDUAL_EXPORT],
    ).exists()


def test_an_auditor_sees_neither_the_individual_data_nor_the_forms(auditor_alingsas, history):
    client = verified_client(auditor_alingsas)
    q3 = history["q3"]
    assert client.get(f"/beslut/rapporter/{q3.pk}/ivo/").status_code == 404
    assert client.get(f"/beslut/rapporter/{q3.pk}/ivo/?format=json").status_code == 404
    response = client.post(
        f"/beslut/rapporter/{q3.pk}/ivo/inrapporterad/", {"row": _row(q3, "IVO-1").pk, "entered_on": "2022-10-14"}
    )
    assert response.status_code == 404
    assert not IvoEntry.objects.exists()


def test_a_submitted_quarters_ivo_data_does_not_take_in_what_happened_after_its_report_date(history):
    before = _by_reference(history["q3"])["IVO-1"]
    # After Q3's report date (2022-10-10): another offer and another partial execution.
    decision_offer_add(actor=None, decision=history["d1"], offered_on=D(2022, 11, 2), declined=True, today=FAR_FUTURE)
    event(history["d1"], "partly_executed", D(2022, 11, 20), missing_part="Vardagar")
    after = _by_reference(history["q3"])["IVO-1"]
    assert after == before
    assert "2022-11-02" not in after["Erbjudanden om insats"] and "2022-11-20" not in after["Delvis verkställt"]
    # The next quarter's data has them.
    q4 = _by_reference(history["q4"])["IVO-1"]
    assert "2022-11-02 (tackade nej)" in q4["Erbjudanden om insats"]
    assert "2022-11-20; återstår: Vardagar" in q4["Delvis verkställt"]


def test_a_submitted_quarters_ivo_data_keeps_the_sex_it_was_reported_with(history):
    from apps.people.models import Person

    Person.objects.filter(pk=history["p2"].pk).update(legal_sex=LegalSex.FEMALE)
    assert _by_reference(history["q3"])["IVO-2"]["Kön"] == "Man/Pojke"
