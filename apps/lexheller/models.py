"""Lex Heller: reports of failures of collaboration between authorities. A report describes a
situation and the structure behind it, never a person; the reporter is hidden when it is published."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Mottagen")
    INVESTIGATING = "investigating", _("Utreds")
    RAISED = "raised", _("Lyft till BUG")
    ANSWERED = "answered", _("Besvarad")
    PUBLISHED = "published", _("Publicerad")
    CLOSED = "closed", _("Avslutad")


class BugMeeting(models.Model):
    """A meeting of the förbund's berednings- och utvecklingsgrupp."""

    forbund = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="bug_meetings")
    date = models.DateField(_("datum"))
    place = models.CharField(_("plats"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("BUG-möte")
        constraints = [models.UniqueConstraint(fields=["forbund", "date"], name="one_bug_meeting_per_day")]

    def __str__(self) -> str:
        return f"BUG {self.date.isoformat()}"


class Report(models.Model):
    forbund = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="lexheller")
    number = models.CharField(_("nummer"), max_length=20)
    title = models.CharField(_("rubrik"), max_length=200)
    incident_date = models.DateField(_("datum för händelsen"))
    reporting_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rapporterande organisation"),
    )
    authorities = models.ManyToManyField(
        "organisations.Organisation", related_name="+", verbose_name=_("inblandade myndigheter")
    )
    description = models.TextField(_("vad hände"))
    cause = models.TextField(_("regel eller struktur som orsakade det"))
    consequence = models.TextField(_("konsekvens för de enskilda"))
    proposal = models.TextField(_("förslag"), blank=True)
    reporter = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=14, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    meeting = models.ForeignKey(
        BugMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("BUG-möte")
    )
    answer = models.TextField(_("svar"), blank=True)
    closed_reason = models.TextField(_("skäl för att avsluta"), blank=True)
    filed_at = models.DateTimeField(_("inkommen"))
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("Lex Heller-rapport")
        constraints = [
            models.UniqueConstraint(fields=["forbund", "number"], name="lexheller_number_unique_in_forbund"),
            models.CheckConstraint(name="lexheller_report_status_valid", condition=Q(status__in=ReportStatus.values)),
            models.CheckConstraint(
                name="raised_report_has_meeting",
                condition=~Q(status__in=["raised", "answered", "published"]) | Q(meeting__isnull=False),
            ),
            models.CheckConstraint(
                name="answered_report_has_answer", condition=~Q(status__in=["answered", "published"]) | ~Q(answer="")
            ),
            models.CheckConstraint(
                name="published_report_has_date",
                condition=Q(status="published", published_at__isnull=False)
                | (~Q(status="published") & Q(published_at__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class MessageKind(models.TextChoices):
    QUESTION = "question", _("Fråga till rapportören")
    ANSWER = "answer", _("Svar från rapportören")


class Message(models.Model):
    """The investigation's questions and the reporter's answers, kept with the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report.number} {self.kind}"


class Transition(models.Model):
    """Every change of status, for the report's history."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=14, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=ReportStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report.number} {self.from_status}→{self.to_status}"
