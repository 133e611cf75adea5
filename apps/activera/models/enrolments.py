"""Enrolments from introduction to exit: leader changes, the multi-party meeting, activities,
measurements and action plans."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .programme import ActivityType, Indicator, ProgrammeUnit
from .referrals import Gender, Referral, ReferringParty


class EducationLevel(models.TextChoices):
    COMPULSORY_INCOMPLETE = "forgymnasial_ej", _("Ej fullständig förgymnasial")
    COMPULSORY = "forgymnasial", _("Förgymnasial")
    UPPER_SECONDARY = "gymnasial", _("Gymnasial")
    POST_SECONDARY = "eftergymnasial", _("Eftergymnasial")
    UNKNOWN = "okand", _("Okänd")


class IncomeSource(models.TextChoices):
    WAGE = "lon", _("Lön")
    UNEMPLOYMENT_INSURANCE = "a_kassa", _("Arbetslöshetsersättning")
    ACTIVITY_SUPPORT = "aktivitetsstod", _("Aktivitetsstöd")
    SICKNESS_BENEFIT = "sjukpenning", _("Sjukpenning")
    ACTIVITY_COMPENSATION = "aktivitetsersattning", _("Aktivitets- eller sjukersättning")
    SOCIAL_ASSISTANCE = "ekonomiskt_bistand", _("Ekonomiskt bistånd")
    NONE = "ingen", _("Ingen försörjning")
    OTHER = "annan", _("Annan")


class TimeWithoutWork(models.TextChoices):
    UNDER_1 = "under_1", _("Mindre än 1 år")
    YEARS_1_3 = "1_3", _("1–3 år")
    YEARS_3_5 = "3_5", _("3–5 år")
    OVER_5 = "over_5", _("Mer än 5 år")
    NEVER_WORKED = "aldrig", _("Har aldrig arbetat")


class BornIn(models.TextChoices):
    SWEDEN = "sverige", _("Sverige")
    NORDIC = "norden", _("Övriga Norden")
    OTHER = "ovriga", _("Övriga världen")


class ExitReason(models.TextChoices):
    COMPLETED = "genomford", _("Genomförd")
    ENDED_BY_PARTICIPANT = "avbruten", _("Avbruten av deltagaren")
    MOVED = "flyttat", _("Flyttat")
    ILLNESS = "sjukdom", _("Sjukdom")
    REGISTRATION_ERROR = "felregistrering", _("Felregistrering")
    OTHER = "annat", _("Annat")


class OccupationAfter(models.TextChoices):
    WORK = "arbete", _("Arbete")
    STUDIES = "studier", _("Studier")
    JOB_SEEKER = "arbetssokande", _("Arbetssökande")
    OTHER_REHABILITATION = "annan_rehabilitering", _("Annan parts rehabilitering")
    SICK_LEAVE = "sjukskriven", _("Sjukskriven")
    OTHER = "annat", _("Annat")


class Enrolment(models.Model):
    """A participant's time in the programme. `code` is the only identifier that leaves the
    municipality: drawn for the participant (``ALID-7KQ3M9``), never the person's register code."""

    # Optimistic locking (apps.core.concurrency): bumped by every save of the enrolment's own fields.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="enrolment")
    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    code = models.CharField(_("kod"), max_length=12, unique=True)
    gender = models.CharField(_("kön"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    residence = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    referring_party = models.CharField(_("initierande part"), max_length=24, choices=ReferringParty.choices)
    start_date = models.DateField(_("startdatum"))
    planned_end_date = models.DateField(_("planerat slut"))
    extent_percent = models.PositiveSmallIntegerField(_("omfattning (% av heltid)"))
    # Empty only for participants imported from a spreadsheet without a leader in Insyn.
    leader = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig ledare"),
    )
    eligibility_override_reason = models.TextField(_("motivering för undantag"), blank=True)
    eligibility_override_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    education_level = models.CharField(_("utbildningsnivå"), max_length=20, choices=EducationLevel.choices, blank=True)
    income_before = models.CharField(_("försörjning före"), max_length=24, choices=IncomeSource.choices, blank=True)
    time_without_work = models.CharField(
        _("tid utan arbete"), max_length=10, choices=TimeWithoutWork.choices, blank=True
    )
    born_in = models.CharField(_("född i"), max_length=10, choices=BornIn.choices, blank=True)
    exit_date = models.DateField(_("slutdatum"), null=True, blank=True)
    exit_reason = models.CharField(_("avslutsorsak"), max_length=20, choices=ExitReason.choices, blank=True)
    occupation_after = models.CharField(
        _("sysselsättning efter"), max_length=24, choices=OccupationAfter.choices, blank=True
    )
    income_after = models.CharField(_("försörjning efter"), max_length=24, choices=IncomeSource.choices, blank=True)
    exit_document_given_on = models.DateField(_("avslutsdokumentation lämnad till deltagaren"), null=True, blank=True)
    exit_document_sent_on = models.DateField(_("avslutsdokumentation skickad till remittenten"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "code"]
        # The unit's lists: ongoing participants newest first, and the latest to leave.
        indexes = [
            models.Index(fields=["programme_unit", "-start_date", "code"], name="enrolment_unit_start_idx"),
            models.Index(fields=["programme_unit", "-exit_date"], name="enrolment_unit_exit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="enrolment_planned_after_start", condition=Q(planned_end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(
                name="enrolment_exit_after_start",
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="enrolment_exit_has_reason",
                condition=(Q(exit_date__isnull=True) & Q(exit_reason=""))
                | (Q(exit_date__isnull=False) & ~Q(exit_reason="")),
            ),
            models.CheckConstraint(
                name="enrolment_extent_percent", condition=Q(extent_percent__gte=1, extent_percent__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LeaderChange(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="leader_changes")
    leader = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    from_date = models.DateField(_("från"))
    reason = models.TextField(_("skäl"))

    class Meta:
        ordering = ["from_date", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.from_date}"


class MeetingDecision(models.TextChoices):
    CONTINUE = "continue", _("Fortsätter i programmet")
    END = "end", _("Avslutar")


class MultiPartyMeeting(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="meeting")
    date = models.DateField(_("datum"))
    parties = models.JSONField(_("parter närvarande"), default=list)
    decision = models.CharField(_("beslut"), max_length=10, choices=MeetingDecision.choices)

    def __str__(self) -> str:
        return f"{self.enrolment} {self.date}"


class ActivityMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Enskilt")
    GROUP = "group", _("I grupp")


class Activity(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("datum"))
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, verbose_name=_("aktivitet"))
    mode = models.CharField(_("form"), max_length=10, choices=ActivityMode.choices)
    digital = models.BooleanField(_("digitalt"), default=False)
    attended = models.BooleanField(_("deltog"), default=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.date}"


class MeasurementKind(models.TextChoices):
    FIRST = "first", _("Första mätningen")
    FOLLOW_UP = "follow_up", _("Uppföljande mätning")
    EXIT = "exit", _("Mätning vid avslut")


class Measurement(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("datum"))
    kind = models.CharField(_("slag"), max_length=10, choices=MeasurementKind.choices)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.date} {self.kind}"


class MeasurementAnswer(models.Model):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    value = models.SmallIntegerField(_("värde"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measurement", "indicator"], name="one_answer_per_indicator")]

    def __str__(self) -> str:
        return f"{self.measurement} {self.indicator_id}={self.value}"


class ActionPlanGoal(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="goals")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("indikator"))
    goal = models.TextField(_("mål"))
    activities = models.TextField(_("aktiviteter"), blank=True)
    review_date = models.DateField(_("följs upp"))

    class Meta:
        ordering = ["review_date", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.goal[:30]}"
