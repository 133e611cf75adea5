import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from apps.activera.models import Enrolment, Referral
from apps.activera.services import participants_import
from apps.organisations.models import Organisation
from apps.people.models import Person
from insyn.errors import ImportFailed
from lib.identity_numbers import LegalSex, fictional_number

HEADER = (
    "personnummer;fornamn;efternamn;kon;folkbokforingskommun;remittent;anmalningsdatum;status;startdatum;"
    "slutdatum;avslutsorsak;sysselsattning_efter;fodelsear"
)
A = fictional_number(datetime.date(1990, 1, 15), serial=21, legal_sex=LegalSex.FEMALE)
B = fictional_number(datetime.date(1984, 9, 2), serial=47, legal_sex=LegalSex.MALE)
YOUNG = fictional_number(datetime.date(2010, 6, 1), serial=3, legal_sex=LegalSex.MALE)


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _import(data: bytes):
    return participants_import(
        actor=None,
        municipality=Organisation.objects.get(slug="alingsas"),
        filename="deltagare.csv",
        data=data,
        today=datetime.date(2026, 11, 22),
    )


GOOD = _csv(
    f"{A};Anna;Ank;kvinna;Alingsås;arbetsformedlingen;2026-01-05;inskriven;2026-01-12;;;;",
    f"{B};Bo;Bock;man;lerum;egen_anmalan;2026-01-07;avslutad;2026-01-19;2026-05-04;Genomförd;studier;",
    ";;;annat;alingsas;region;2026-02-01;mottagen;;;;;1975",
    f"{fictional_number(datetime.date(1970, 2, 2), serial=5, legal_sex=LegalSex.MALE)};C;D;man;Partille;region;"
    "2026-02-03;avbojd;;;;;",
)


def test_a_spreadsheet_of_referrals_and_enrolments_is_imported(activera):
    result = _import(GOOD)
    assert (result.referrals, result.enrolments, result.exits) == (4, 2, 1)
    exited = Enrolment.objects.get(exit_date__isnull=False)
    assert exited.exit_reason == "genomford" and exited.occupation_after == "studier"
    assert exited.residence.slug == "lerum"
    anonymous = Referral.objects.get(anonymous=True)
    assert anonymous.person is None and anonymous.birth_year == 1975
    assert Referral.objects.filter(status="declined").count() == 1
    assert Enrolment.objects.get(exit_date__isnull=True).leader is None


def test_an_imported_participant_without_a_leader_is_shown_on_the_start_and_participant_pages(
    activera, caseworker_alingsas
):
    from tests.conftest import verified_client

    _import(GOOD)
    ongoing = Enrolment.objects.get(exit_date__isnull=True)
    client = verified_client(caseworker_alingsas)
    for url in ("/deltagare/", f"/deltagare/{ongoing.code}/"):
        response = client.get(url)
        assert response.status_code == 200 and "Ingen ännu" in response.content.decode(), url


def test_every_problem_is_listed_and_nothing_is_saved(activera):
    bad = _csv(
        f"{A};Anna;Ank;kvinna;Alingsås;arbetsformedlingen;2026-01-05;inskriven;2026-01-12;;;;",
        f"{YOUNG};Y;Y;man;Alingsås;region;2026-01-05;inskriven;2026-01-12;;;;",
        f"{B};Bo;Bock;man;Göteborg;okand;2026-13-01;klar;;;;;",
        f"{B};Bo;Bock;man;Lerum;region;2026-01-07;avslutad;2026-01-19;2026-09-01;Genomförd;studier;",
        ";;;annat;alingsas;region;2026-02-01;mottagen;;;;;",
    )
    with pytest.raises(ImportFailed) as info:
        _import(bad)
    problems = {(p.row, p.column) for p in info.value.problems}
    assert (3, "startdatum") in problems  # 15 years old on the start date
    assert {(4, "folkbokforingskommun"), (4, "remittent"), (4, "anmalningsdatum"), (4, "status")} <= problems
    assert (5, "slutdatum") in problems  # past 24 weeks
    assert (6, "fodelsear") in problems
    assert not Referral.objects.exists() and not Enrolment.objects.exists() and not Person.objects.exists()


def test_the_command_imports_and_reports_errors(activera, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    out = io.StringIO()
    call_command("activera", "import", "--municipality", "alingsas", str(good), stdout=out)
    assert "4 anmälningar, 2 inskrivningar och 1 avslut" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(f"{A};A;A;kvinna;Narnia;region;2026-01-05;mottagen;;;;;"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("activera", "import", "--municipality", "alingsas", str(bad), stderr=err)
    assert "Rad 2, kolumn folkbokforingskommun" in err.getvalue()
