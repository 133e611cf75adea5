"""A report's submission waits for writes to the register that are still open, so what it stores and
the time it is stamped with agree: the next report reuses it and looks again only at what was
registered after that time (apps.decisions.computation). Without the wait, a decision saved in a
long transaction (an import, say) would carry an earlier time than the submission yet be missing
from it, and no later report would ever list it."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from apps.decisions.models import QuarterlyReport
from apps.decisions.services import report_prepare, report_submit
from lib.quarters import Quarter
from tests.decisions_helpers import FAR_FUTURE, decide

D = datetime.date


def _waiting_on_a_lock(backend_pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend_pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel transactions need PostgreSQL")
def test_a_submission_waits_for_a_decision_saved_meanwhile_and_lists_it(reference_data, insjoriket, alingsas):
    quarter = Quarter(2022, 2)
    draft = report_prepare(actor=None, municipality=alingsas, quarter=quarter, as_of=D(2022, 7, 15), today=FAR_FUTURE)
    saved_open, commit_now = threading.Event(), threading.Event()
    submitter: dict[str, int] = {}
    failures: list[BaseException] = []

    def save_a_decision_in_a_long_transaction() -> None:
        try:
            with transaction.atomic():
                # Decided in 2021 and never executed: late in the quarter being submitted.
                decide(alingsas, "L-1", "Kontaktfamilj", D(2021, 12, 1))
                saved_open.set()
                commit_now.wait(timeout=30)
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)
            saved_open.set()
        finally:
            connection.close()

    def submit() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                submitter["pid"] = cursor.fetchone()[0]
            report_submit(actor=None, report=QuarterlyReport.objects.get(pk=draft.pk))
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=save_a_decision_in_a_long_transaction)
    writer.start()
    assert saved_open.wait(timeout=30)
    submission = threading.Thread(target=submit)
    submission.start()
    # The submission blocks on the writer's lock rather than computing without its decision.
    for _ in range(300):
        if "pid" in submitter and _waiting_on_a_lock(submitter["pid"]):
            break
        time.sleep(0.05)
    waited = "pid" in submitter and _waiting_on_a_lock(submitter["pid"])
    commit_now.set()
    writer.join(timeout=30)
    submission.join(timeout=60)

    assert not failures
    assert waited
    report = QuarterlyReport.objects.get(pk=draft.pk)
    assert report.is_submitted
    listed = report.rows.select_related("decision").get(decision__reference="L-1")
    assert listed.decision.created_at < report.submitted_at
