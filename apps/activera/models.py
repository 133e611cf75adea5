"""Participant follow-up for a programme the förbund finances (ACTivera): the programme's rules as
data, referrals, enrolments from introduction to exit, measurements, action plans, activities and
the anonymous violence questionnaire tallies."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A financed programme and its rules. Every limit is a setting here, never a constant in code."""

    forbund = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="programmes")
    slug = models.SlugField(_("kortnamn"), unique=True)
    name = models.CharField(_("namn"), max_length=120)
    intro_max_weeks = models.PositiveSmallIntegerField(_("introduktion högst (veckor)"), default=6)
    min_weeks = models.PositiveSmallIntegerField(_("deltagande minst (veckor)"), default=6)
    max_weeks = models.PositiveSmallIntegerField(_("deltagande högst (veckor)"), default=24)
    max_extent_percent = models.PositiveSmallIntegerField(_("omfattning högst (% av heltid)"), default=50)
    age_min = models.PositiveSmallIntegerField(_("lägsta ålder"), default=16)
    age_max = models.PositiveSmallIntegerField(_("högsta ålder"), default=64)
    measurement_interval_days = models.PositiveSmallIntegerField(_("mätning ungefär var (dagar)"), default=91)
    warning_days = models.PositiveSmallIntegerField(_("varning (dagar före)"), default=14)
    scale_min = models.SmallIntegerField(_("skala från"), default=1)
    scale_max = models.SmallIntegerField(_("skala till"), default=5)
    eligibility_criteria = models.JSONField(_("kriterier för målgruppen"), default=list)
    violence_questions = models.JSONField(_("frågor om våld"), default=list)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.CheckConstraint(name="programme_weeks_ordered", condition=Q(min_weeks__lte=F("max_weeks"))),
            models.CheckConstraint(name="programme_ages_ordered", condition=Q(age_min__lte=F("age_max"))),
            models.CheckConstraint(name="programme_scale_ordered", condition=Q(scale_min__lt=F("scale_max"))),
            models.CheckConstraint(name="programme_extent_percent", condition=Q(max_extent_percent__lte=100)),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeUnit(models.Model):
    """The executor unit of one municipality, with its agreed places and period."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="units")
    unit = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="programme_units")
    places = models.PositiveIntegerField(_("avtalade platser"))
    period_start = models.DateField(_("avtalsperiod från"))
    period_end = models.DateField(_("avtalsperiod till"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "unit"], name="programme_unit_unique"),
            models.CheckConstraint(name="programme_unit_period", condition=Q(period_end__gte=F("period_start"))),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.unit}"


class Respondent(models.TextChoices):
    PARTICIPANT = "participant", _("Deltagaren")
    CASEWORKER = "caseworker", _("Handläggaren")


class Indicator(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("kod"))
    label = models.CharField(_("indikator"), max_length=200)
    respondent = models.CharField(_("svarar"), max_length=12, choices=Respondent.choices)
    position = models.PositiveSmallIntegerField(_("ordning"))

    class Meta:
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return self.label


class ActivityType(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activity_types")
    code = models.SlugField(_("kod"))
    label = models.CharField(_("aktivitet"), max_length=120)

    class Meta:
        ordering = ["programme", "label"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="activity_type_code_unique")]

    def __str__(self) -> str:
        return self.label


class Gender(models.TextChoices):
    """As the person states it (not legal sex)."""

    WOMAN = "kvinna", _("Kvinna")
    MAN = "man", _("Man")
    OTHER = "annat", _("Annat/vill inte ange")


class ReferringParty(models.TextChoices):
    EMPLOYMENT_SERVICE = "arbetsformedlingen", _("Arbetsförmedlingen")
    SOCIAL_INSURANCE = "forsakringskassan", _("Försäkringskassan")
    REGION = "region", _("Regionens hälso- och sjukvård")
    SOCIAL_SERVICES = "kommun_socialtjanst", _("Kommunens socialtjänst")
    MUNICIPALITY_OTHER = "kommun_annan", _("Kommunen, annan verksamhet")
    SELF = "egen_anmalan", _("Egen anmälan")


class ReferralChannel(models.TextChoices):
    WEB = "web", _("Webbformulär")
    PHONE = "phone", _("Telefon")
    PAPER = "paper", _("Papper")
    IMPORT = "import", _("Import")


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Mottagen")
    ACCEPTED = "accepted", _("Inskriven")
    DECLINED = "declined", _("Avböjd")
    WITHDRAWN = "withdrawn", _("Återkallad")


class Referral(models.Model):
    """An intresseanmälan. When the person does not consent to registration, or has protected
    identity, no name, number or contact detail is kept: only gender, birth year and residence."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="referrals")
    receipt_number = models.CharField(_("kvittensnummer"), max_length=20, unique=True)
    received_on = models.DateField(_("mottagen"))
    channel = models.CharField(_("kanal"), max_length=10, choices=ReferralChannel.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    anonymous = models.BooleanField(_("anonym registrering"), default=False)
    gender = models.CharField(_("kön"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    residence = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("folkbokföringskommun")
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.CharField(_("e-post"), max_length=200, blank=True)
    need = models.TextField(_("behov med egna ord"), blank=True)
    criteria_confirmed = models.JSONField(_("bekräftade kriterier"), default=list)
    sip_held = models.BooleanField(_("SIP/SAMSIP hållen"), default=False)
    sip_date = models.DateField(_("datum för SIP/SAMSIP"), null=True, blank=True)
    consent = models.BooleanField(_("samtycke till registrering"), default=False)
    protected_identity = models.BooleanField(_("skyddad identitet"), default=False)
    referring_party = models.CharField(_("initierande part"), max_length=24, choices=ReferringParty.choices)
    referrer_name = models.CharField(_("remittentens namn"), max_length=150, blank=True)
    referrer_organisation = models.CharField(_("remittentens organisation"), max_length=150, blank=True)
    referrer_contact = models.CharField(_("remittentens kontaktuppgifter"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    status_date = models.DateField(_("statusdatum"))
    decline_reason = models.TextField(_("skäl"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        # The unit's new referrals on the caseworker's start page.
        indexes = [models.Index(fields=["programme_unit", "status", "received_on"], name="referral_unit_status_idx")]
        constraints = [
            models.CheckConstraint(
                name="referral_anonymous_has_no_person", condition=Q(anonymous=False) | Q(person__isnull=True)
            ),
            models.CheckConstraint(
                name="referral_anonymous_has_no_contact", condition=Q(anonymous=False) | (Q(phone="") & Q(email=""))
            ),
            models.CheckConstraint(
                name="referral_identified_has_person", condition=Q(anonymous=True) | Q(person__isnull=False)
            ),
            models.CheckConstraint(name="referral_status_valid", condition=Q(status__in=ReferralStatus.values)),
            models.CheckConstraint(name="referral_gender_valid", condition=Q(gender__in=Gender.values)),
        ]

    def __str__(self) -> str:
        return self.receipt_number


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


class ViolenceAnswer(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nej", _("Nej")
    NO_ANSWER = "vill_inte_svara", _("Vill inte svara")
    NOT_ANSWERED = "ej_besvarad", _("Ej besvarad")


class ViolenceTally(models.Model):
    """Counts only: one row per programme unit, tertial, question and answer. All rows of a tertial
    are created together, with zero counts, when its first batch of paper forms is imported; a batch
    then adds to the counts. Nothing records which participant, which day, which batch, or in what
    order forms came in, and every question's counts add up to the number of forms of the tertial
    (an unanswered question counts as "ej_besvarad")."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="violence_tallies")
    year = models.PositiveSmallIntegerField()
    tertial = models.PositiveSmallIntegerField()
    question = models.SlugField()
    answer = models.CharField(max_length=20, choices=ViolenceAnswer.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_unit", "year", "tertial", "question", "answer"], name="violence_tally_unique"
            ),
            models.CheckConstraint(name="violence_tally_tertial", condition=Q(tertial__gte=1, tertial__lte=3)),
        ]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.year}T{self.tertial} {self.question} {self.answer}"


class PublicSubmission(models.Model):
    """When the public referral form was used from an address (keyed hash only), to limit robots."""

    address_digest = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.submitted_at.isoformat()


class DeliveryKind(models.TextChoices):
    MONTHLY = "monthly", _("Intresseanmälningar per månad")
    TERTIAL = "tertial", _("Progression och frågor om våld per tertial")
    INTERIM = "interim", _("Delårsredovisning januari–augusti")
    ANNUAL = "annual", _("Helårsredovisning")


class Narrative(models.Model):
    """The verksamhetsberättelse the executor writes for an interim or full-year delivery."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.CASCADE, related_name="narratives")
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    year = models.PositiveSmallIntegerField()
    text = models.TextField(_("verksamhetsberättelse"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme_unit", "kind", "year"], name="narrative_unique")]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.kind} {self.year}"


class Delivery(models.Model):
    """A submitted delivery to the förbund, frozen as it was submitted: `raw` holds the counts as
    they were (never shown outside the municipality), `hidden` the cells suppression hid, decided
    jointly with everything the förbund had already received (apps.activera.releases), and
    `content` exactly what the förbund sees."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(_("leverans"), max_length=10, choices=DeliveryKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.PositiveSmallIntegerField(_("månad eller tertial"), default=0)
    content = models.JSONField(_("innehåll"))
    raw = models.JSONField(_("underlag (internt)"), default=dict)
    hidden = models.JSONField(_("dolda celler"), default=list)
    # When the förbund could first see it: with the whole period (apps.activera.releases).
    released_at = models.DateTimeField(_("publicerad för förbundet"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("inlämnad"))
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_unit", "kind", "year", "period"], name="one_delivery_per_period"
            ),
            models.CheckConstraint(name="delivery_kind_valid", condition=Q(kind__in=DeliveryKind.values)),
            models.CheckConstraint(
                name="delivery_period_fits_kind",
                condition=(
                    Q(kind="monthly", period__gte=1, period__lte=12)
                    | Q(kind="tertial", period__gte=1, period__lte=3)
                    | Q(kind__in=["interim", "annual"], period=0)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.kind} {self.year}/{self.period}"

    @property
    def period_label(self) -> str:
        if self.kind == DeliveryKind.MONTHLY:
            return f"{self.year}-{self.period:02d}"
        if self.kind == DeliveryKind.TERTIAL:
            return f"T{self.period} {self.year}"
        return str(self.year)


class ForbundRelease(models.Model):
    """The publication of one period to the förbund: every executor's delivery of the period and
    their sum, decided together, once – when the last executor owing the period delivers, or when
    the office closes the period over those that have. A delivery that comes in after that is
    published on its own and stays outside the sum. One sum only, so no difference between two sums
    ever singles out one executor's figures."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="releases")
    kind = models.CharField(_("leverans"), max_length=10, choices=DeliveryKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.PositiveSmallIntegerField(_("månad eller tertial"), default=0)
    deliveries = models.ManyToManyField(Delivery, related_name="releases")
    content = models.JSONField(_("innehåll"))
    raw = models.JSONField(_("underlag (internt)"), default=dict)
    hidden = models.JSONField(_("dolda celler"), default=list)
    released_at = models.DateTimeField(_("publicerad"))
    # Empty when the release followed the last executor's delivery; the officer when closed early.
    closed_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind", "year", "period"], name="one_release_per_period"),
            models.CheckConstraint(name="release_kind_valid", condition=Q(kind__in=DeliveryKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.kind} {self.year}/{self.period}"


class DeliveryTerms(models.Model):
    """What an executor's agreement for a year says about how a delivery is protected. Only the
    monthly referral counts may be delivered without protection of small counts, and only where
    the agreement explicitly asks for it (`clause` quotes or cites it)."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.CASCADE, related_name="delivery_terms")
    year = models.PositiveSmallIntegerField(_("år"))
    monthly_unprotected = models.BooleanField(_("månadsrapporten utan skydd för små antal"), default=False)
    clause = models.CharField(_("överenskommelsens lydelse"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme_unit", "year"], name="one_terms_per_executor_and_year"),
            models.CheckConstraint(
                name="unprotected_needs_clause", condition=Q(monthly_unprotected=False) | ~Q(clause="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.year}"
