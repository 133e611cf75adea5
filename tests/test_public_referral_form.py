"""The public referral form (intresseanmälan) answers every problem in one round and keeps what was typed."""

import datetime
import html as html_lib
import re

from django.test import Client
from django.utils import timezone

from apps.activera.models import Referral
from lib.identity_numbers import LegalSex, fictional_number
from tests.activera_helpers import unit
from tests.conftest import verified_client

D = datetime.date
NUMBER = fictional_number(D(1991, 4, 8), serial=71, legal_sex=LegalSex.MALE)
OTHER_NUMBER = fictional_number(D(1988, 2, 3), serial=12, legal_sex=LegalSex.FEMALE)


def _form(**overrides):
    data = {
        "programme_unit": unit().pk,
        "consent": "on",
        "identity_number": NUMBER,
        "first_name": "Per",
        "last_name": "Publik",
        "gender": "man",
        "residence": unit().unit.parent_id,
        "phone": "070-123 45 67",
        "email": "",
        "need": "Vill börja arbeta",
        "criteria": [c["code"] for c in unit().programme.eligibility_criteria],
        "sip_held": "",
        "sip_date": "",
        "referring_party": "egen_anmalan",
        "referrer_name": "",
        "referrer_organisation": "",
        "referrer_contact": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _post(**overrides) -> str:
    return Client().post("/anmalan/", _form(**overrides)).content.decode()


def _errors(page: str) -> list[str]:
    return [html_lib.unescape(e) for e in re.findall(r'class="field__error">([^<]*)<', page)]


def _input(page: str, name: str, value: str | None = None) -> str:
    """The tag of the input named `name` (with `value`, for radio buttons and checkboxes)."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and (value is None or f'value="{value}"' in tag):
            return tag
    raise AssertionError(f"no input {name}={value}")


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))


def test_one_post_with_many_problems_gets_every_error_at_once_and_keeps_every_value(activera):
    criteria = [c["code"] for c in unit().programme.eligibility_criteria]
    page = _post(
        consent=None,  # anonymous: the birth year is needed, and the text must not point at the person
        protected_identity="on",
        identity_number="",
        birth_year="",
        gender=None,
        residence="",
        email="@",
        need=f"Behöver stöd. Mitt personnummer är {OTHER_NUMBER}.",
        criteria=criteria[:2],
        sip_held="on",
        referring_party=None,
        referrer_organisation="Vårdcentralen",
        referrer_contact="0322-12 34 56",
    )
    errors = _errors(page)
    assert "Det finns fel i formuläret" in page
    # The fields' own errors …
    assert "Välj kön." in errors and "Välj kommun." in errors
    assert "Ange en giltig e-postadress." in errors
    assert any(e.startswith("Välj vem som gör anmälan") for e in errors)
    # … together with the rules that used to come in a later round …
    assert "Ange födelseår när personen registreras anonymt." in errors
    assert "Ange när SIP/SAMSIP-mötet hölls." in errors
    # … and the personal-data finding in the free text of an anonymous referral.
    assert any("ser ut som ett personnummer" in e and "anonymt" in e for e in errors)
    assert not Referral.objects.exists()
    # Nothing typed is lost: text, free text, checkboxes.
    assert 'value="Per"' in _input(page, "first_name") and 'value="Publik"' in _input(page, "last_name")
    assert 'value="@"' in _input(page, "email") and 'value="070-123 45 67"' in _input(page, "phone")
    assert 'value="Vårdcentralen"' in _input(page, "referrer_organisation")
    assert 'value="0322-12 34 56"' in _input(page, "referrer_contact")
    assert f"Mitt personnummer är {OTHER_NUMBER}." in page
    assert "checked" in _input(page, "protected_identity") and "checked" not in _input(page, "consent")
    assert "checked" in _input(page, "sip_held")
    assert all("checked" in _input(page, "criteria", code) for code in criteria[:2])
    assert all("checked" not in _input(page, "criteria", code) for code in criteria[2:])


def test_nothing_is_preselected_in_who_makes_the_referral(activera):
    page = Client().get("/anmalan/").content.decode()
    radios = [tag for tag in re.findall(r"<input[^>]*>", page) if 'name="referring_party"' in tag]
    assert radios and not any("checked" in tag for tag in radios)
    # A person applying for themselves who forgets to say so is asked who makes it, not for a referrer.
    errors = _errors(_post(referring_party=None))
    assert any(e.startswith("Välj vem som gör anmälan") for e in errors)
    assert "Ange remittentens namn." not in errors


def test_a_referral_with_a_name_but_no_way_to_reach_the_person_is_refused(activera):
    errors = _errors(_post(phone="", email=""))
    assert any(e.startswith("Ange minst ett sätt att nå personen: telefon eller e-post.") for e in errors)
    assert not Referral.objects.exists()
    _post(phone="", email="per@example.se")
    assert Referral.objects.get().email == "per@example.se"


def test_the_unit_follows_the_residence_unless_another_is_chosen(activera):
    lerum = unit("lerum")
    # First visit, residence unknown: no unit is preselected.
    assert _selected(Client().get("/anmalan/").content.decode(), "programme_unit") == [""]
    # A residence but no unit, shown again for another error: the residence's unit is preselected.
    page = _post(programme_unit="", residence=lerum.unit.parent_id, gender=None)
    assert _selected(page, "programme_unit") == [str(lerum.pk)]
    assert "Välj vilken kommuns ACTivera" not in page
    # Sent without a unit, it goes to the residence's unit.
    _post(programme_unit="", residence=lerum.unit.parent_id)
    assert Referral.objects.get().programme_unit == lerum
    # Any unit may still be chosen (seed 001 § 5).
    _post(identity_number=OTHER_NUMBER, programme_unit=unit().pk, residence=lerum.unit.parent_id)
    assert Referral.objects.get(programme_unit=unit()).residence_id == lerum.unit.parent_id


def test_an_anonymous_referral_needs_no_contact_details(activera):
    _post(consent=None, identity_number="", birth_year="1991", phone="", email="", first_name="", last_name="")
    referral = Referral.objects.get()
    assert referral.anonymous and referral.person is None
    assert referral.phone == "" and referral.email == "" and referral.birth_year == 1991


def test_a_new_referral_older_than_two_weeks_says_that_no_one_has_taken_a_stand(activera, caseworker_alingsas):
    _post()
    _post(identity_number=OTHER_NUMBER)
    old, fresh = Referral.objects.order_by("pk")
    today = timezone.localdate()
    Referral.objects.filter(pk=old.pk).update(received_on=today - datetime.timedelta(days=20))
    Referral.objects.filter(pk=fresh.pk).update(received_on=today - datetime.timedelta(days=14))
    page = verified_client(caseworker_alingsas).get("/deltagare/anmalningar/").content.decode()
    assert page.count("ingen har tagit ställning") == 1
    assert "Inkommen för 20 dagar sedan – ingen har tagit ställning" in page
