"""The organisation list links each organisation to its letterhead page for whoever may edit that
letterhead (the check the letterhead page makes: a system administrator everywhere, a local
administrator within their reach), and shows no such link to anyone else."""

from __future__ import annotations

import pytest

from tests.conftest import make_user, verified_client

LIST = "/organisationer/"


def letterhead_link(slug: str) -> str:
    return f'href="/organisationer/{slug}/brevhuvud/"'


@pytest.fixture
def admin_alingsas(insjoriket):
    return make_user("admin.alingsas", "local_admin", "alingsas")


def test_a_local_admin_sees_links_to_the_letterheads_within_their_reach_only(admin_alingsas):
    page = verified_client(admin_alingsas).get(LIST).content.decode()
    assert letterhead_link("alingsas") in page
    assert "Brevhuvud för Alingsås kommun" in page
    assert letterhead_link("lerum") not in page
    assert letterhead_link("insjoriket") not in page
    # The link leads to a page that admin may open.
    assert verified_client(admin_alingsas).get("/organisationer/alingsas/brevhuvud/").status_code == 200


def test_the_system_admin_sees_a_link_for_every_organisation(system_admin):
    page = verified_client(system_admin).get(LIST).content.decode()
    for slug in ("insjoriket", "alingsas", "lerum"):
        assert letterhead_link(slug) in page


@pytest.mark.parametrize("role, org", [("forbund_officer", "insjoriket"), ("executor_caseworker", "alingsas-activera")])
def test_someone_who_may_not_edit_a_letterhead_sees_no_link(insjoriket, role, org):
    user = make_user("utan.brevhuvud", role, org)
    response = verified_client(user).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/brevhuvud/" not in page
    assert "Brevhuvud för" not in page


def test_the_link_column_is_in_english_for_an_english_reader(admin_alingsas):
    page = verified_client(admin_alingsas).get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert letterhead_link("alingsas") in page
