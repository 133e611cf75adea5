"""The README's gunicorn command (`gunicorn -c insyn/gunicorn.conf.py`) serves with threaded
workers and times fitted to the upload limit, writes one JSON log line per request with the id the
response carries, and one scrape of /metrics adds up every worker."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.test_crash_consistency import _env, _insyn, scratch  # noqa: F401 - the fixture is used by name
from tests.test_worker_crash import _free_port

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "insyn" / "gunicorn.conf.py"
TOKEN = "m" * 40


def test_the_configuration_fits_a_fifty_megabyte_upload_on_a_slow_line(monkeypatch, tmp_path):
    monkeypatch.setenv("INSYN_UPLOAD_MAX_MB", "50")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(CONFIG))
    assert config["worker_class"] == "gthread" and config["threads"] >= 4
    # 50 MB at 2 Mbit/s is 200 s on the wire; a restart waits for it rather than cutting it off.
    assert config["graceful_timeout"] >= 200
    assert config["limit_request_line"] >= 4094 and config["limit_request_field_size"] >= 8190
    assert config["accesslog"] is None and config["wsgi_app"] == "insyn.wsgi:application"
    monkeypatch.setenv("INSYN_UPLOAD_MAX_MB", "100")
    assert runpy.run_path(str(CONFIG))["graceful_timeout"] > config["graceful_timeout"]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a fixed http URL
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_gunicorn_under_the_configuration_logs_json_with_request_ids_and_counts_every_worker(
    scratch,  # noqa: F811
    tmp_path,
):
    database_url, _query, _writing = scratch
    env = _env(database_url, tmp_path / "var")
    _insyn("migrate", "--noinput", env=env)
    port = _free_port()
    env |= {
        "INSYN_BIND": f"127.0.0.1:{port}",
        "INSYN_WEB_WORKERS": "2",
        "INSYN_LOG_FORMAT": "json",
        "INSYN_LOG_LEVEL": "INFO",
        "INSYN_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    log = tmp_path / "gunicorn.log"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with log.open("w") as output:
        server = subprocess.Popen([gunicorn, "-c", str(CONFIG)], env=env, cwd=ROOT, stderr=output, stdout=output)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        ids = [_get(port, "/tillganglighet/")[1]["X-Request-ID"] for _ in range(12)]
        status, _headers, text = _get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200
        counted = [
            line
            for line in text.splitlines()
            if line.startswith("insyn_http_request_duration_seconds_count")
            and 'view="core:accessibility"' in line
            and 'status="2xx"' in line
        ]
        assert len(counted) == 1 and float(counted[0].rsplit(" ", 1)[1]) == 12
        assert _get(port, "/metrics")[0] == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line["logger"] == "gunicorn.error" and "gthread" in line["message"] for line in lines)
    access = {line["request_id"]: line for line in lines if line["logger"] == "insyn.access"}
    for request_id in ids:
        assert access[request_id]["path"] == "/tillganglighet/" and access[request_id]["status"] == 200
    # Each worker that answered counts in a file of its own; the scrape above added them up.
    assert len(list((tmp_path / "prometheus").glob("histogram_*.db"))) >= 1
