"""People are shown by their names, not their usernames: the leader to choose when a referral is
accepted, the leader of a participant, and who is logged in."""

from __future__ import annotations

from django.test import Client

from apps.activera.models import Referral
from tests.conftest import verified_client
from tests.test_participant_pages import _public_form


def _named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def test_the_leader_to_choose_is_named_not_a_username(activera, caseworker_alingsas):
    _named(caseworker_alingsas, "Ann", "Andersson")
    Client().post("/anmalan/", _public_form())
    referral = Referral.objects.get()
    page = verified_client(caseworker_alingsas).get(f"/deltagare/anmalningar/{referral.pk}/").content.decode()
    select = page[page.index('name="leader"') : page.index("</select>", page.index('name="leader"'))]
    assert "Ann Andersson" in select
    assert "ann.alingsas" not in select


def test_the_header_names_who_is_logged_in(activera, caseworker_alingsas):
    _named(caseworker_alingsas, "Ann", "Andersson")
    page = verified_client(caseworker_alingsas).get("/").content.decode()
    assert "Inloggad som Ann Andersson" in page
    assert "Inloggad som ann.alingsas" not in page


def test_a_user_without_a_name_is_shown_by_the_username(activera, caseworker_alingsas):
    page = verified_client(caseworker_alingsas).get("/").content.decode()
    assert "Inloggad som ann.alingsas" in page
