"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port), and the mail it received.

    from tests.smtp_server import smtp_server  # noqa: F401 - the fixture

    def test_reminders_go_out(smtp_server):
        ...  # send through Django's SMTP backend, which the fixture points at the server
        assert smtp_server.messages[0]["Subject"] == "Påminnelse"

`running_smtp_server(tls=True, users={"insyn": "hemligt"})` starts one that demands STARTTLS and a
login, with a certificate made for the test that the client trusts through SSL_CERT_FILE."""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    content: bytes


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cafile: Path | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [item.message for item in self.received]

    @property
    def raw(self) -> list[bytes]:
        """The mails as they came over the wire."""
        with self.lock:
            return [item.content for item in self.received]

    # aiosmtpd's handler hook, called on the server's thread for each mail.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content)
            )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    # aiosmtpd's controller needs the port before it listens (it connects to it to check).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@contextmanager
def running_smtp_server(
    *, tls: bool = False, users: dict[str, str] | None = None, directory: Path | None = None
) -> Iterator[SmtpServer]:
    import ssl
    import tempfile

    with tempfile.TemporaryDirectory() if directory is None else _keep(directory) as folder:
        server = SmtpServer(host="127.0.0.1", port=_free_port())
        options: dict[str, Any] = {}
        if tls:
            cert_path, key_path = _certificate(Path(folder))
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert_path, key_path)
            options.update(tls_context=context, require_starttls=True)
            server.cafile = cert_path
        if users is not None:

            def authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
                ok = (
                    isinstance(data, LoginPassword)
                    and users.get(data.login.decode()) is not None
                    and users[data.login.decode()] == data.password.decode()
                )
                # handled=False: aiosmtpd then answers 535 itself.
                return AuthResult(success=ok, handled=ok)

            options.update(authenticator=authenticate, auth_require_tls=tls)
        controller = Controller(server, hostname=server.host, port=server.port, **options)
        controller.start()
        try:
            yield server
        finally:
            controller.stop()


@contextmanager
def _keep(directory: Path) -> Iterator[str]:
    yield str(directory)


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    """A plain SMTP server, with Django's SMTP backend pointed at it for the test."""
    with running_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server
