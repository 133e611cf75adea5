"""Shared personas and helpers. Data is built through the services, as users would build it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.organisations.models import Organisation
from apps.organisations.services import organisation_load_structure
from apps.people.models import Person
from apps.people.services import person_create
from lib.identity_numbers import LegalSex, fictional_number

PASSWORD = "ett-langt-testlosenord-42"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is what production uses (tests/test_login.py checks the setting); it is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _swedish_unless_asked():
    # A request in English leaves English active in the thread; the next test starts in Swedish.
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.activate("sv")


@pytest.fixture(autouse=True)
def _jobs_run_in_the_request(settings):
    # Background jobs run inside the request that starts them (tests/test_jobs_*.py use real workers).
    settings.INSYN_JOB_BACKEND = "immediate"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def insjoriket(db) -> Organisation:
    organisation_load_structure(name="insjoriket")
    return Organisation.objects.get(slug="insjoriket")


@pytest.fixture
def alingsas(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="alingsas")


@pytest.fixture
def lerum(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="lerum")


def make_user(username: str, role: str | None, org: str | None) -> User:
    if role is None:
        user = User.objects.create_user(username=username, password=PASSWORD)
        return user
    assert org is not None
    return user_create(username=username, password=PASSWORD, role=role, organisation_slug=org)


@pytest.fixture
def caseworker_alingsas(insjoriket) -> User:
    return make_user("ann.alingsas", "executor_caseworker", "alingsas-activera")


@pytest.fixture
def caseworker_lerum(insjoriket) -> User:
    return make_user("lars.lerum", "executor_caseworker", "lerum-activera")


@pytest.fixture
def manager_alingsas(insjoriket) -> User:
    return make_user("mia.chef", "executor_manager", "alingsas-activera")


@pytest.fixture
def registrar_alingsas(insjoriket) -> User:
    return make_user("rut.registrator", "decisions_registrar", "alingsas-socialnamnd")


@pytest.fixture
def forbund_officer(insjoriket) -> User:
    return make_user("kim.kansli", "forbund_officer", "insjoriket")


@pytest.fixture
def auditor_alingsas(insjoriket) -> User:
    return make_user("rolf.revisor", "auditor", "alingsas")


@pytest.fixture
def auditor_lerum(insjoriket) -> User:
    return make_user("lena.revisor", "auditor", "lerum")


@pytest.fixture
def controller_alingsas(insjoriket) -> User:
    """The nämnd's verksamhetscontroller: writes the årsbokslut."""
    return make_user("sofia.controller", "yearend_controller", "alingsas")


@pytest.fixture
def head_alingsas(insjoriket) -> User:
    """The förvaltningschef: approves the årsbokslut (the godkännare line carries the full name)."""
    user = make_user("karin.chef", "administration_head", "alingsas")
    user.first_name, user.last_name = "Karin", "Alvermalm Dahlgren"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def controller_lerum(insjoriket) -> User:
    return make_user("lukas.controller", "yearend_controller", "lerum")


@pytest.fixture
def system_admin(insjoriket) -> User:
    return make_user("sam.admin", "system_admin", "insjoriket")


@pytest.fixture
def outsider(db) -> User:
    return make_user("otto.utanfor", None, None)


def verified_client(user: User) -> Client:
    """A test client logged in with password and second factor."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


_serial = iter(range(10_000))


def make_person(
    municipality: Organisation,
    *,
    first_name: str = "Test",
    last_name: str = "Testsson",
    birth: datetime.date = datetime.date(1985, 3, 14),
    sex: LegalSex = LegalSex.FEMALE,
) -> Person:
    """A person with a generated, valid and fictional number."""
    serial = next(_serial)
    birth = birth + datetime.timedelta(days=serial // 100)
    number = fictional_number(birth, serial=serial % 100, legal_sex=sex)
    return person_create(
        actor=None, municipality=municipality, identity_number=number, first_name=first_name, last_name=last_name
    )


@pytest.fixture
def person_alingsas(alingsas) -> Person:
    return make_person(alingsas, first_name="Alva", last_name="Alingsasdotter")


@pytest.fixture
def person_lerum(lerum) -> Person:
    return make_person(lerum, first_name="Leo", last_name="Lerumsson")


@pytest.fixture
def registrar_lerum_factory(insjoriket):
    return lambda: make_user("lisa.registrator", "decisions_registrar", "lerum-socialnamnd")


@pytest.fixture
def pdf_support() -> None:
    """WeasyPrint needs Debian's Pango; without it PDF tests skip with the reason (CI requires it)."""
    import os

    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        if os.environ.get("INSYN_REQUIRE_SYSTEM_PACKAGES"):
            pytest.fail(f"WeasyPrint cannot load Pango: {exc}")
        pytest.skip("PDF tests need Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0); .ci/run installs it.")


@pytest.fixture
def activera(insjoriket):
    from apps.activera.services import programme_load

    return programme_load(name="insjoriket")


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Transactional tests run after others have flushed the database, which also empties the
    reference data a migration seeded; this puts it back."""
    import importlib

    from django.apps import apps

    importlib.import_module("apps.decisions.migrations.0002_seed_reference_data").seed(apps, None)


@pytest.fixture
def approved(insjoriket):
    """Seed 002's årsbokslut 2022 as `insyn yearend load-example alingsas-2022` leaves it: approved."""
    from apps.yearend.example import load_example

    return load_example("alingsas-2022")


@pytest.fixture
def report(approved, head_alingsas):
    """The same årsbokslut opened again as a draft, so the year-end pages' tests can work on it
    (a module with reports of its own defines its own `report`)."""
    from apps.yearend.services.editing import year_report_reopen

    return year_report_reopen(actor=head_alingsas, report=approved)
