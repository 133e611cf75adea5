"""Render every page a demo user can reach, and the API's reads, into a folder, so that a change
meant to alter no behaviour can be checked by `diff -r before after`.

    cp var/insyn.sqlite3 /tmp/pristine.sqlite3          # once, before the change
    .venv/bin/python scripts/snapshot_pages.py /tmp/pristine.sqlite3 /tmp/before
    ... change the code ...
    .venv/bin/python scripts/snapshot_pages.py /tmp/pristine.sqlite3 /tmp/after
    diff -r /tmp/before /tmp/after

Each run works on a fresh copy of the given database (reads write audit rows, and the audit
pages show them), follows every link on the pages it reaches (GET only, no logout, at most
PAGES_PER_USER per user), and writes each answer with what varies from run to run blanked out:
CSRF tokens, CSP nonces, clock times. Spreadsheets are written as their cells, PDFs as their text.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

PAGES_PER_USER = 400
SKIP = re.compile(r"^/(konto/logga-ut|static/|media/|admin/|konto/tvastegs|__)")
API_READS = [
    "/api/v1/me/",
    "/api/v1/tokens/",
    "/api/v1/people/",
    "/api/v1/decisions/",
    "/api/v1/reports/",
    "/api/v1/participants/",
    "/api/v1/forbund/statistics/?year=2025",
    "/api/v1/forbund/statistics/?year=2026",
]
VARYING = [
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?"), "TIMESTAMP"),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\b"), "HH:MM"),
    (re.compile(r'"token": "[^"]+"'), '"token": ""'),
    (re.compile(r"\b[0-9a-f]{15}\b"), "TOKENKEY"),
]


def normalise(text: str) -> str:
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return text


def body_text(content_type: str, content: bytes) -> str:
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        lines = []
        for sheet in book.worksheets:
            lines.append(f"## {sheet.title}")
            rows = sheet.iter_rows(values_only=True)
            lines.extend("\t".join("" if v is None else str(v) for v in row) for row in rows)
        return "\n".join(lines)
    if "pdf" in content_type:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(content)
            handle.flush()
            command = ["/usr/bin/pdftotext", "-layout", handle.name, "-"]
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603
    if "wordprocessingml" in content_type:
        from docx import Document

        return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    return content.decode("utf-8", errors="replace")


def file_name(url: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._=-]+", "_", url.strip("/")) or "start"
    return name[:180]


def links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or SKIP.match(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def main(source: str, out: str) -> None:
    work = Path(tempfile.mkdtemp()) / "snapshot.sqlite3"
    shutil.copy(source, work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import AuthToken

    from apps.accounts.models import User

    assert str(settings.DATABASES["default"]["NAME"]) == str(work), settings.DATABASES["default"]["NAME"]
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    target = Path(out)
    shutil.rmtree(target, ignore_errors=True)
    users: list[User | None] = [None, *User.objects.filter(is_active=True).order_by("username")]
    for user in users:
        client = Client()
        folder = target / (user.username if user else "_anonymous")
        folder.mkdir(parents=True)
        if user is not None:
            client.force_login(user)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None:
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        seen: set[str] = set()
        queue = deque(["/"])
        while queue and len(seen) < PAGES_PER_USER:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            content_type = response.get("Content-Type", "")
            body = body_text(content_type, response.content) if hasattr(response, "content") else ""
            location = response.get("Location", "")
            (folder / file_name(url)).write_text(normalise(f"{response.status_code} {location}\n{body}"))
            if "html" in content_type:
                queue.extend(link for link in links(body, url) if link not in seen)
        if user is not None:
            _, token = AuthToken.objects.create(user=user)
            for url in API_READS:
                response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
                text = f"{response.status_code}\n{response.content.decode()}"
                (folder / ("api_" + file_name(url))).write_text(normalise(text))
        print(f"{folder.name}: {len(seen)} pages")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
