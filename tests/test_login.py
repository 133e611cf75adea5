import importlib

from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/konto/logga-in/", {"username": username, "password": password})


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_production_hashes_passwords_with_argon2():
    module = importlib.import_module("insyn.settings")
    assert module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_caseworker_enrols_a_second_factor_on_first_login(caseworker_alingsas):
    client = Client()
    response = _login(client, caseworker_alingsas.username)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/tvafaktor/registrera/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=caseworker_alingsas, confirmed=False)
    wrong = client.post("/konto/tvafaktor/registrera/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Koden stämmer inte" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes a person wait a second after a wrong code
    done = client.post("/konto/tvafaktor/registrera/", {"token": _code(device), "next": "/personer/"})
    assert done.status_code == 302 and done["Location"] == "/personer/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/personer/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.OTP_ENROLLED, actor_username=caseworker_alingsas.username
    ).exists()


def test_a_user_with_a_factor_must_give_a_code_before_any_page(caseworker_alingsas):
    device = TOTPDevice.objects.create(user=caseworker_alingsas, name="app", confirmed=True)
    client = Client()
    response = _login(client, caseworker_alingsas.username)
    assert response["Location"].startswith("/konto/tvafaktor/?")
    assert client.get("/")["Location"].startswith("/konto/tvafaktor/")
    too_short = client.post("/konto/tvafaktor/", {"token": "12"})
    assert "Ange de sex siffrorna" in too_short.content.decode()
    ok = client.post("/konto/tvafaktor/", {"token": _code(device)})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    actions = set(
        AuditEvent.objects.filter(actor_username=caseworker_alingsas.username).values_list("action", flat=True)
    )
    assert {AuditAction.LOGIN_SUCCESS, AuditAction.OTP_SUCCESS} <= actions


def test_a_forbund_officer_sees_no_personal_data_and_needs_no_second_factor(forbund_officer):
    client = Client()
    response = _login(client, forbund_officer.username)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/personer/").status_code == 403


def test_a_failed_login_is_logged_with_the_attempted_name_and_address(caseworker_alingsas):
    client = Client()
    response = _login(client, caseworker_alingsas.username, "fel-losenord")
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILURE)
    assert event.actor_username == caseworker_alingsas.username
    assert event.ip_address == "127.0.0.1"


def test_it_locks_an_account_after_repeated_failures(caseworker_alingsas):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, caseworker_alingsas.username, "fel-losenord")
    locked = _login(client, caseworker_alingsas.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "spärrat" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED).exists()


def test_an_expired_session_is_sent_back_to_login(caseworker_alingsas, settings):
    from tests.conftest import verified_client

    client = verified_client(caseworker_alingsas)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/personer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


def test_logout_ends_the_session_and_is_logged(caseworker_alingsas):
    from tests.conftest import verified_client

    client = verified_client(caseworker_alingsas)
    assert client.post("/konto/logga-ut/").status_code == 302
    assert client.get("/personer/")["Location"].startswith("/konto/logga-in/")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()


def test_an_external_next_url_is_ignored(forbund_officer):
    client = Client()
    response = client.post(
        "/konto/logga-in/?next=https://evil.example/", {"username": forbund_officer.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_forms_require_csrf_tokens(forbund_officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/logga-in/", {"username": forbund_officer.username, "password": PASSWORD})
    assert response.status_code == 403


def _session_id(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _sent_to_log_in_with(session_id: str) -> bool:
    old = Client()
    old.cookies[settings.SESSION_COOKIE_NAME] = session_id
    response = old.get("/personer/")
    return response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")


def test_the_session_id_is_renewed_when_a_code_is_verified(caseworker_alingsas):
    device = TOTPDevice.objects.create(user=caseworker_alingsas, name="app", confirmed=True)
    client = Client()
    _login(client, caseworker_alingsas.username)
    client.get("/konto/tvafaktor/")
    before, csrf_before = _session_id(client), client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post("/konto/tvafaktor/", {"token": _code(device)}).status_code == 302
    after = _session_id(client)
    assert after and after != before
    assert client.cookies[settings.CSRF_COOKIE_NAME].value != csrf_before
    # The session keeps its data: still logged in, with the second factor.
    assert client.get("/personer/").status_code == 200
    assert _sent_to_log_in_with(before)
    assert not _sent_to_log_in_with(after)


def test_the_session_id_is_renewed_when_an_authenticator_is_enrolled(caseworker_alingsas):
    client = Client()
    _login(client, caseworker_alingsas.username)
    client.get("/konto/tvafaktor/registrera/")
    before = _session_id(client)
    device = TOTPDevice.objects.get(user=caseworker_alingsas, confirmed=False)
    assert client.post("/konto/tvafaktor/registrera/", {"token": _code(device)}).status_code == 302
    after = _session_id(client)
    assert after and after != before
    assert client.get("/personer/").status_code == 200
    assert _sent_to_log_in_with(before)
    assert not _sent_to_log_in_with(after)


def test_the_username_is_found_without_regard_to_case(insjoriket):
    from tests.conftest import make_user

    user = make_user("handlaggare.alingsas", "forbund_officer", "insjoriket")
    client = Client()
    response = _login(client, "Handlaggare.Alingsas")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_SUCCESS)
    assert event.actor_username == "handlaggare.alingsas"


def test_the_lockout_counts_every_spelling_of_a_username_as_one(insjoriket):
    from axes.models import AccessAttempt

    from apps.accounts.admin_scope import is_locked_out
    from tests.conftest import make_user

    user = make_user("handlaggare.alingsas", "forbund_officer", "insjoriket")
    client = Client()
    spellings = ["Handlaggare.Alingsas", "HANDLAGGARE.ALINGSAS", "handlaggare.alingsas"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, spellings[n % len(spellings)], "fel-losenord")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"handlaggare.alingsas"}
    assert is_locked_out(user)
    locked = _login(client, "Handlaggare.Alingsas")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    body = locked.content.decode()
    assert "systemadministratör" not in body and "den som administrerar Insyn i din kommun" in body
