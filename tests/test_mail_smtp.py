"""Mail leaves through real SMTP: Django's SMTP backend, with the settings the operator gives
(INSYN_EMAIL_*), talks to a real SMTP server (aiosmtpd on 127.0.0.1), which reads it back."""

from __future__ import annotations

import smtplib
import ssl

import pytest
from django.core.mail import EmailMessage, get_connection, send_mail

from tests.smtp_server import running_smtp_server, smtp_server  # noqa: F401 - the fixture


def test_a_mail_sent_through_smtp_arrives_with_its_swedish_subject_body_and_addresses(smtp_server, settings):  # noqa: F811
    settings.DEFAULT_FROM_EMAIL = "insyn@kommun.example"
    sent = send_mail(
        "Påminnelse: kvartalsrapport för Alingsås är försenad",
        "Hej!\n\nRapporten för kvartal 3 är inte inlämnad. Logga in i Insyn för att lämna den.\n",
        None,
        ["handlaggare@alingsas.example"],
    )
    assert sent == 1
    (received,) = smtp_server.received
    assert received.sender == "insyn@kommun.example"
    assert received.recipients == ["handlaggare@alingsas.example"]
    message = received.message
    # On the wire the subject is RFC 2047 encoded words (ASCII only); read back, the Swedish text.
    headers = smtp_server.raw[0].replace(b"\r\n", b"\n").partition(b"\n\n")[0].decode("ascii")
    assert "Subject: \n =?utf-8?b?" in headers
    assert message["Subject"].strip() == "Påminnelse: kvartalsrapport för Alingsås är försenad"
    assert message["From"] == "insyn@kommun.example"
    assert message["To"] == "handlaggare@alingsas.example"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert "Rapporten för kvartal 3 är inte inlämnad." in message.get_content()


def test_several_mails_go_through_one_connection_and_all_arrive(smtp_server):  # noqa: F811
    mails = [
        EmailMessage(f"Påminnelse {n}", "Åtgärda.", "insyn@kommun.example", [f"mottagare{n}@kommun.example"])
        for n in range(3)
    ]
    with get_connection() as connection:
        assert connection.send_messages(mails) == 3
    assert sorted(message["To"] for message in smtp_server.messages) == [
        f"mottagare{n}@kommun.example" for n in range(3)
    ]


def test_starttls_and_a_login_are_used_when_the_settings_ask_for_them(settings, monkeypatch, tmp_path):
    with running_smtp_server(tls=True, users={"insyn": "ett-hemligt-losenord"}, directory=tmp_path) as server:
        # The client checks the server's certificate against the CAs it trusts: the test's own.
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cafile))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_TIMEOUT = True, False, 5
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "insyn", "ett-hemligt-losenord"
        assert send_mail("Inbjudan till Insyn", "Välkommen.", "insyn@kommun.example", ["ny@kommun.example"]) == 1
        assert [message["Subject"] for message in server.messages] == ["Inbjudan till Insyn"]

        settings.EMAIL_HOST_PASSWORD = "fel-losenord"
        with pytest.raises(smtplib.SMTPAuthenticationError):
            send_mail("Inbjudan", "Välkommen.", "insyn@kommun.example", ["ny@kommun.example"])
        assert len(server.messages) == 1


def test_a_server_certificate_the_client_does_not_trust_stops_the_mail(settings, tmp_path):
    with running_smtp_server(tls=True, directory=tmp_path) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_TIMEOUT = True, False, 5
        with pytest.raises(ssl.SSLCertVerificationError):
            send_mail("Inbjudan", "Välkommen.", "insyn@kommun.example", ["ny@kommun.example"])
        assert server.messages == []


def test_the_mail_settings_are_read_from_the_environment_and_refuse_tls_and_ssl_together():
    import subprocess
    import sys

    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'insyn.settings'\n"
        "from django.conf import settings\n"
        "print(settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER, settings.EMAIL_USE_TLS,"
        " settings.EMAIL_TIMEOUT)\n"
    )
    environment = {
        "INSYN_EMAIL_HOST": "smtp.kommun.example",
        "INSYN_EMAIL_PORT": "587",
        "INSYN_EMAIL_USER": "insyn",
        "INSYN_EMAIL_PASSWORD": "hemligt",
        "INSYN_EMAIL_USE_TLS": "true",
        "INSYN_EMAIL_TIMEOUT": "7",
    }
    import os

    base = {key: value for key, value in os.environ.items() if not key.startswith("INSYN_EMAIL")}
    done = subprocess.run(
        [sys.executable, "-c", script], env={**base, **environment}, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["smtp.kommun.example", "587", "insyn", "True", "7"]
    refused = subprocess.run(
        [sys.executable, "-c", script],
        env={**base, **environment, "INSYN_EMAIL_USE_SSL": "true"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "INSYN_EMAIL_USE_TLS and INSYN_EMAIL_USE_SSL cannot both be on" in refused.stderr
