"""Headers and cookies under the production settings, read off real responses of a server process
configured as in production (its own SQLite file so the test needs no other server)."""

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.test_deployment import _production_env

PROBE = r"""
import json, django
django.setup()
from django.test import Client
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", "--noinput", verbosity=0)
call_command("org", "load", "insjoriket", verbosity=0)
from apps.accounts.services import user_create
from apps.accounts.roles import Role
user_create(username="kansli.prod", password="ett-langt-losenord-2026", role=Role.FORBUND_OFFICER,
            organisation_slug="insjoriket")
client = Client(HTTP_HOST="insyn.example.se")
plain = client.get("/konto/logga-in/")
page = client.get("/konto/logga-in/", secure=True)
login = client.post("/konto/logga-in/", {"username": "kansli.prod", "password": "ett-langt-losenord-2026"},
                    secure=True)
def cookies(response):
    return {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
            for name, m in response.cookies.items()}
print(json.dumps({
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
    "page": {"status": page.status_code, "headers": dict(page.headers), "cookies": cookies(page)},
    "login": {"status": login.status_code, "cookies": cookies(login)},
}))
"""


def _production_responses(tmp_path: Path) -> dict:
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}", INSYN_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_strict_headers_and_secure_httponly_cookies(tmp_path):
    responses = _production_responses(tmp_path)

    assert responses["plain"]["status"] == 301
    assert responses["plain"]["location"].startswith("https://insyn.example.se/")

    page = responses["page"]
    assert page["status"] == 200
    headers = page["headers"]
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert page["cookies"]["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}

    assert responses["login"]["status"] == 302
    assert responses["login"]["cookies"]["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_no_template_needs_unsafe_inline():
    """The CSP forbids inline script and style; a template that used them would break in the browser."""
    offenders = []
    for template in Path("apps").glob("*/templates/**/*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\ssrc=)[^>]*>", r"\sstyle=\"", r"\son[a-z]+=\"", r"javascript:"):
            offenders += [f"{template}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []
