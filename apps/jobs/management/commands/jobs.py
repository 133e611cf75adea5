"""`insyn jobs list`, `insyn jobs requeue` and `insyn jobs purge`: the jobs that wait, run or
failed, a job whose worker was killed handed to a worker again (safe: the imports are all or
nothing), and the exports' files older than INSYN_JOB_FILE_HOURS deleted (each job does this
too; the command is for a daily cron line when no jobs run)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.jobs.models import Job, JobState
from apps.jobs.selectors import job_queue_counts
from apps.jobs.services import job_files_purge, job_requeue


class Command(BaseCommand):
    help = "Bakgrundsjobb: list (läget), requeue (kör om jobb vars arbetare dog)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Hur många jobb som väntar, pågår och har misslyckats.")
        sub.add_parser("purge", help="Ta bort exporternas filer som är äldre än INSYN_JOB_FILE_HOURS.")
        requeue = sub.add_parser("requeue", help="Lämna jobb som aldrig blev klara till en arbetare igen.")
        requeue.add_argument("job_ids", nargs="*", type=int, help="Jobbens nummer")
        requeue.add_argument(
            "--stale-minutes",
            type=int,
            help="Alla jobb som har pågått eller väntat längre än så många minuter",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            counts = job_queue_counts()
            self.stdout.write(f"I kö: {counts['queued']}, pågår: {counts['running']}, misslyckade: {counts['failed']}.")
            return
        if options["action"] == "purge":
            self.stdout.write(f"{job_files_purge()} filer togs bort.")
            return
        jobs = list(Job.objects.filter(pk__in=options["job_ids"]))
        if options.get("stale_minutes"):
            limit = timezone.now() - datetime.timedelta(minutes=options["stale_minutes"])
            jobs += list(
                Job.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING], created_at__lt=limit).exclude(
                    pk__in=[job.pk for job in jobs]
                )
            )
        if not jobs:
            raise CommandError("Inga jobb att köra om; ange jobbens nummer eller --stale-minutes.")
        for job in jobs:
            if job.is_finished:
                self.stdout.write(f"Jobb {job.pk} är redan avslutat ({job.get_state_display()}).")
                continue
            job_requeue(job=job)
            self.stdout.write(f"Jobb {job.pk} ligger i kö igen.")
