import io

from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.people.models import Person


def test_demo_loads_one_user_per_role_and_fictional_people_once(db, settings):
    settings.DEBUG = True  # pytest-django turns it off; demo mode needs it
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "Demoinloggningar" in out.getvalue()
    roles = set(User.objects.values_list("role_grants__role", flat=True))
    assert roles == {role.value for role in Role}
    people = Person.objects.count()
    assert people >= 5 * 20
    from apps.decisions.models import Decision, QuarterlyReport

    for slug in ("alingsas", "harryda", "lerum", "molndal", "partille"):
        assert Decision.objects.filter(municipality__slug=slug).count() >= 50
        assert QuarterlyReport.objects.filter(municipality__slug=slug, status="submitted", year=2023).count() == 4
    from apps.activera.models import Enrolment

    for slug in ("alingsas", "harryda", "lerum", "molndal", "partille"):
        enrolled = Enrolment.objects.filter(programme_unit__unit__slug=f"{slug}-activera")
        assert enrolled.count() >= 15 and enrolled.filter(exit_date__isnull=False).exists()
    assert (
        Enrolment.objects.filter(programme_unit__unit__slug="molndal-activera").count()
        > Enrolment.objects.filter(programme_unit__unit__slug="alingsas-activera").count()
    )
    again = io.StringIO()
    call_command("demo", "--if-empty", stdout=again)
    assert "redan data" in again.getvalue()
    assert Person.objects.count() == people


def test_a_newcomer_logs_in_with_the_documented_demo_password_and_code(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    client = Client()
    response = client.post(
        "/konto/logga-in/", {"username": "handlaggare.alingsas", "password": settings.INSYN_DEMO_PASSWORD}
    )
    assert response["Location"].startswith("/konto/tvafaktor/")
    code = f"{totp(bytes.fromhex(settings.INSYN_DEMO_TOTP_HEX)):06d}"
    assert client.post("/konto/tvafaktor/", {"token": code})["Location"] == "/"
    html = client.get("/personer/").content.decode()
    assert "ALI-" in html and "LER-" not in html
