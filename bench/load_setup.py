"""Prepares the load benchmark on the national data set, run with the production settings: a user
with a second factor who works with the participants and the register of the largest municipality
(and the register of the median one), 20 sessions and 20 API tokens, the median municipality's
quarterly report, and a participant to show. Prints them as JSON for bench/load_bench.py."""

import datetime
import json
import sys
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _user(username: str, role: str, organisation_slug: str) -> Any:
    from apps.accounts.models import User
    from apps.accounts.services import user_create

    return User.objects.filter(username=username).first() or user_create(
        username=username, password=None, role=role, organisation_slug=organisation_slug
    )


def _sessions(user: Any) -> list[str]:
    """20 sessions logged in with password and second factor, as the login views leave them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    keys = []
    for _ in range(20):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        keys.append(str(session.session_key))
    return keys


def main() -> None:
    django.setup()
    from django.db.models import Count

    from apps.accounts.services import api_token_create, role_grant, role_revoke
    from apps.activera.models import Enrolment
    from apps.decisions.models import QuarterlyReport
    from apps.decisions.services import report_prepare
    from apps.jobs.models import Job, JobKind
    from apps.jobs.services import job_start
    from apps.organisations.models import Organisation
    from lib.quarters import Quarter

    by_size = list(
        Organisation.objects.filter(kind="municipality").annotate(n=Count("decisions")).order_by("-n", "slug")
    )
    largest, median = by_size[0], by_size[len(by_size) // 2]
    user = _user("last.bench", "executor_caseworker", f"{largest.slug}-activera")
    # Registrar in the largest municipality only (an earlier version of this script also granted the median).
    for grant in user.role_grants.filter(role="decisions_registrar").select_related("organisation"):
        if grant.organisation.slug != f"{largest.slug}-socialnamnd":
            role_revoke(user=user, role="decisions_registrar", organisation_slug=grant.organisation.slug)
    if not user.role_grants.filter(role="decisions_registrar").exists():
        role_grant(user=user, role="decisions_registrar", organisation_slug=f"{largest.slug}-socialnamnd")
    # The report is the median municipality's, read by its own registrar.
    reporter = _user("last.rapport", "decisions_registrar", f"{median.slug}-socialnamnd")
    # The largest municipality's local administrator (user administration) and a job of the
    # caseworker's (an export of the register, queued: no worker runs during the benchmark).
    admin = _user("last.admin", "local_admin", largest.slug)
    job = Job.objects.filter(started_by=user, kind=JobKind.PEOPLE_EXPORT).first() or job_start(
        actor=user, kind=JobKind.PEOPLE_EXPORT, organisation=largest
    )
    sessions = _sessions(user)
    report_sessions = _sessions(reporter)
    admin_sessions = _sessions(admin)
    tokens = [api_token_create(user=user) for _ in range(20)]
    report = QuarterlyReport.objects.filter(municipality=median, year=2026, quarter=3).first() or report_prepare(
        actor=None, municipality=median, quarter=Quarter(2026, 3), as_of=datetime.date(2026, 10, 15)
    )
    enrolment = (
        Enrolment.objects.filter(programme_unit__unit__parent=largest, exit_date__isnull=False)
        .order_by("-start_date")
        .first()
    )
    assert enrolment is not None, "the data set has no participant who has left in the largest municipality"
    print(
        json.dumps(
            {
                "sessions": sessions,
                "report_sessions": report_sessions,
                "admin_sessions": admin_sessions,
                "admin": admin.username,
                "caseworker": user.username,
                "job": job.pk,
                "tokens": tokens,
                "participant": enrolment.code,
                "report": report.pk,
                "rows": report.rows.count(),
                "municipality": largest.slug,
            }
        )
    )


if __name__ == "__main__":
    main()
