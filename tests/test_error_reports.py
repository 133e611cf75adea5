"""Error reports (sentry-sdk) are off without INSYN_SENTRY_DSN, and when on, what reaches the
server holds no personal data: no request body, query string, cookies, headers, user, local
variables or exception message. The server here is a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk

from lib.error_reports import error_report_scrub, error_reports_start

PERSONNUMMER = "19121212-1212"


def _sentry_active_with(environment: dict[str, str]) -> str:
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'insyn.settings'; django.setup()\n"
        "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    )
    base = {key: value for key, value in os.environ.items() if not key.startswith("INSYN_SENTRY")}
    done = subprocess.run(
        [sys.executable, "-c", script], env={**base, **environment}, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_error_reports_are_off_unless_a_dsn_is_set():
    assert not sentry_sdk.get_client().is_active()
    assert _sentry_active_with({}) == "False"
    assert _sentry_active_with({"INSYN_SENTRY_DSN": "http://publickey@127.0.0.1:9/1"}) == "True"


def test_the_scrubber_keeps_the_failure_and_drops_everything_personal():
    event = {
        "request": {
            "method": "POST",
            "url": f"https://insyn.kommun.se/personer/sok/?q={PERSONNUMMER}",
            "query_string": f"q={PERSONNUMMER}",
            "data": {"personnummer": PERSONNUMMER},
            "cookies": {"sessionid": "abc"},
            "headers": {"Authorization": "Token hemlig", "Cookie": "sessionid=abc"},
            "env": {"REMOTE_ADDR": "10.0.0.7"},
        },
        "user": {"id": 7, "username": "handlaggare.alingsas", "ip_address": "10.0.0.7"},
        "breadcrumbs": {"values": [{"message": f"SELECT ... {PERSONNUMMER}"}]},
        "extra": {"person": PERSONNUMMER},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": f"Key (number)=({PERSONNUMMER}) already exists",
                    "stacktrace": {
                        "frames": [{"function": "person_create", "lineno": 42, "vars": {"n": PERSONNUMMER}}]
                    },
                }
            ]
        },
        "logentry": {"message": "Import av %s misslyckades", "params": [PERSONNUMMER]},
        "contexts": {"runtime": {"name": "CPython"}, "person": {"nummer": PERSONNUMMER}},
        "tags": {"request_id": "abc123abc123"},
    }
    scrubbed = error_report_scrub(event)
    assert PERSONNUMMER not in json.dumps(scrubbed)
    assert scrubbed["request"] == {"method": "POST", "url": "https://insyn.kommun.se/personer/sok/"}
    assert "user" not in scrubbed and "breadcrumbs" not in scrubbed and "extra" not in scrubbed
    (exception,) = scrubbed["exception"]["values"]
    assert exception["type"] == "IntegrityError" and "value" not in exception
    assert exception["stacktrace"]["frames"] == [{"function": "person_create", "lineno": 42}]
    assert scrubbed["logentry"] == {"message": "Import av %s misslyckades"}
    assert scrubbed["contexts"] == {"runtime": {"name": "CPython"}}
    assert scrubbed["tags"] == {"request_id": "abc123abc123"}


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # back to an inactive client for the rest of the run


def test_a_report_reaches_the_server_without_the_personal_data_of_the_failure(sentry_server):
    port = sentry_server.server_address[1]
    error_reports_start(dsn=f"http://publickey@127.0.0.1:{port}/1", environment="test", release="insyn@1.2.3")
    sentry_sdk.get_isolation_scope().set_tag("request_id", "abcdef0123456789")
    sentry_sdk.set_user({"id": 7, "username": "handlaggare.alingsas"})
    number = PERSONNUMMER  # a local variable in the failing frame
    try:
        raise ValueError(f"Ogiltigt personnummer {number}")
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=5)
    payload = b"".join(_Collector.received).decode()
    assert "ValueError" in payload and "insyn@1.2.3" in payload and "abcdef0123456789" in payload
    assert PERSONNUMMER not in payload and "handlaggare.alingsas" not in payload
