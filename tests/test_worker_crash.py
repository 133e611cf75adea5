"""A web worker killed with `kill -9` while submissions come in loses none that got their success
answer: the answer is sent only after the transaction that stored the submission has committed.

gunicorn serves the application on a scratch database of the suite's engine; a registrar submits
decisions through the API, and with every third one a worker is killed a few milliseconds after it
was sent (the master starts a new one). Submissions whose connection broke may or may not be
stored (the client never learnt); every one answered 201 must be there."""

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.import_bench import write_register
from tests.test_crash_consistency import _env, _insyn, scratch  # noqa: F401 - the fixture is used by name

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _post(port: int, token: str, payload: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/decisions/",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - a fixed http URL
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_killed_web_worker_loses_no_submission_that_got_its_success_answer(scratch, tmp_path):  # noqa: F811
    database_url, query, _writing = scratch
    env = _env(database_url, tmp_path / "var")
    _insyn("migrate", "--noinput", env=env)
    _insyn("org", "load", "insjoriket", env=env)
    # People in the registry for the decisions to concern: a small register imported first.
    register = tmp_path / "register.csv"
    write_register(register, 20, seed=5)
    _insyn("decisions", "import", "--municipality", "alingsas", str(register), env=env)
    numbers = sorted({line.split(";")[1] for line in register.read_text(encoding="utf-8-sig").splitlines()[1:]})
    insyn = [sys.executable, "-m", "insyn.cli"]
    create = ["user", "create", "--username", "reg", "--role", "decisions_registrar", "--password-stdin"]
    subprocess.run(
        [*insyn, *create, "--org", "alingsas-socialnamnd"],
        input="ett-langt-losenord-2026\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = subprocess.run(
        [*insyn, "user", "token", "reg"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    port = _free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "insyn.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    rng, kills = random.Random(7), []

    def kill_a_worker_soon(delay: float) -> None:
        """SIGKILL one worker `delay` seconds from now, while the submission just sent is on its way."""

        def kill() -> None:
            workers = _workers(server.pid)
            if workers:
                victim = rng.choice(workers)
                try:
                    os.kill(victim, signal.SIGKILL)
                    kills.append(victim)
                except ProcessLookupError:
                    pass

        threading.Timer(delay, kill).start()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        confirmed, broken = [], 0
        for index in range(SUBMISSIONS):
            payload = {
                "municipality": "alingsas",
                "reference": f"KILL-{index}",
                "person": numbers[index % len(numbers)],
                "decision_date": "2025-03-03",
                "decision_type": "Kontaktfamilj",
                "legal_basis": "sol2001-4-1",
            }
            if index % 3 == 0:
                kill_a_worker_soon(rng.uniform(0.0, 0.05))
            try:
                status, body = _post(port, token, payload)
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
                broken += 1
                continue
            assert status in (201, 502, 503), body
            if status == 201:
                confirmed.append(payload["reference"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    assert len(kills) >= 5, "the workers were not killed while submissions came in"
    assert confirmed, "no submission got through"
    references = ", ".join(f"'{r}'" for r in confirmed)
    stored = query(f"SELECT count(*) FROM decisions_decision WHERE reference IN ({references})")  # noqa: S608
    assert stored == len(confirmed), f"{len(confirmed)} confirmed, {stored} stored, {broken} broken"
