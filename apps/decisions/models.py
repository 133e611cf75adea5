"""The register of favourable decisions and the quarterly reports on those not executed in time."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lib.nonexecution import Category, EventKind, Outcome, Section


class LegalBasisKind(models.TextChoices):
    DECISION = "decision", _("Grund för beslut")
    REPORTING_DUTY = "reporting_duty", _("Rapporteringsskyldighet")


class LegalBasis(models.Model):
    """A provision with the period it is in force. Data, edited by a system administrator."""

    code = models.SlugField(
        _("kod"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("Det finns redan ett lagrum med den koden.")},
    )
    kind = models.CharField(_("slag"), max_length=20, choices=LegalBasisKind.choices, default=LegalBasisKind.DECISION)
    label = models.CharField(_("lagrum"), max_length=200, help_text=_("Som det skrivs, t.ex. 4 kap. 1 § SoL"))
    short_label = models.CharField(
        _("kort form"), max_length=60, help_text=_("Som i rapportens tabeller, t.ex. 4.1 § SoL")
    )
    statute = models.CharField(_("författning"), max_length=120, help_text=_("T.ex. socialtjänstlagen (2001:453)"))
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "valid_from", "code"]
        verbose_name = _("lagrum")
        verbose_name_plural = _("lagrum")
        constraints = [
            models.CheckConstraint(
                name="legal_basis_period_ordered",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                violation_error_message=_("Gäller till och med kan inte ligga före gäller från."),
            ),
            models.CheckConstraint(
                name="legal_basis_kind_valid",
                condition=Q(kind__in=[k.value for k in LegalBasisKind]),
                violation_error_message=_("Välj slag: grund för beslut eller rapporteringsskyldighet."),
            ),
        ]

    def __str__(self) -> str:
        # The one form a legal basis is shown in everywhere, as the seed's lists write it.
        return self.short_label

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def period_text(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else ""
        return f"{self.valid_from.isoformat()}–{end}"


class DecisionType(models.Model):
    """A kind of insats (Kontaktfamilj, Boendestöd, 9 § 10 LSS daglig verksamhet …). Data."""

    name = models.CharField(
        _("namn"),
        max_length=120,
        unique=True,
        error_messages={"unique": _("Det finns redan en typ av beslut med det namnet.")},
    )
    legal_bases = models.ManyToManyField(LegalBasis, related_name="decision_types", verbose_name=_("möjliga lagrum"))
    active = models.BooleanField(_("aktiv"), default=True)
    ivo_name = models.CharField(
        _("insats i IVO:s e-tjänst"),
        max_length=120,
        blank=True,
        help_text=_(
            "Som IVO:s lista över beviljat bistånd/insats skriver den, t.ex. Behandlingshem/HVB. Tomt: namnet."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("typ av beslut")
        verbose_name_plural = _("typer av beslut")

    def __str__(self) -> str:
        return self.name

    @property
    def ivo_label(self) -> str:
        return self.ivo_name or self.name


class DecisionEventKind(models.TextChoices):
    # The same values as lib.nonexecution.EventKind, with the labels a user sees.
    EXECUTED = EventKind.EXECUTED.value, _("Verkställt")
    PARTLY_EXECUTED = EventKind.PARTLY_EXECUTED.value, _("Delvis verkställt")
    INTERRUPTED = EventKind.INTERRUPTED.value, _("Avbrott")
    RESUMED = EventKind.RESUMED.value, _("Återupptaget")
    ENDED = EventKind.ENDED.value, _("Avslutat")


class DelayReason(models.TextChoices):
    RESOURCE_SHORTAGE = "resource_shortage", _("Brist på lämplig resurs")
    DECLINED_OFFER = "declined_offer", _("Den enskilde har tackat nej till erbjuden insats")
    INDIVIDUAL_WAITING = "individual_waiting", _("Den enskilde har valt att avvakta")
    OTHER = "other", _("Annat skäl")


class EndReason(models.TextChoices):
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Ansökan återkallad")
    NEED_CEASED = "need_ceased", _("Behovet har upphört")
    MOVED = "moved", _("Flyttat")
    DECEASED = "deceased", _("Avliden")
    OTHER = "other", _("Annat")


class IvoArea(models.TextChoices):
    """Inriktning för beslutet, as IVO's individual report for individ- och familjeomsorg asks it."""

    CHILDREN_AND_FAMILY = "children_and_family", _("Barn och familj")
    FINANCIAL_AID = "financial_aid", _("Ekonomiskt bistånd")
    ADDICTION = "addiction", _("Missbruks- och beroendevård")
    SOCIAL_PSYCHIATRY = "social_psychiatry", _("Socialpsykiatri")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Våld i nära relation")
    OTHER = "other", _("Övrigt")


class Decision(models.Model):
    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("kommun")
    )
    # Optimistic locking (apps.core.concurrency): bumped by every save of the decision or its events.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    reference = models.CharField(_("referens"), max_length=60, help_text=_("Kommunens ärende- eller diarienummer"))
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("person")
    )
    decision_date = models.DateField(_("beslutsdatum"))
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT, verbose_name=_("typ av beslut"))
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, verbose_name=_("lagrum"))
    caseworker = models.CharField(_("ansvarig handläggare"), max_length=150, blank=True)
    delay_reason = models.CharField(_("skäl till dröjsmål"), max_length=30, choices=DelayReason.choices, blank=True)
    delay_reason_text = models.TextField(_("skäl, beskrivning"), blank=True)
    consequences = models.TextField(_("konsekvenser för den enskilde"), blank=True)
    interim_support = models.TextField(_("annat stöd under väntetiden"), blank=True)
    ivo_area = models.CharField(_("inriktning för beslutet (IVO)"), max_length=30, choices=IvoArea.choices, blank=True)
    protected_identity = models.BooleanField(
        _("skyddade personuppgifter"),
        default=False,
        help_text=_("Anges i informationsrutan i IVO:s e-tjänst."),
    )
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerat av"),
    )
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)

    class Meta:
        ordering = ["-decision_date", "reference"]
        # The register's list, newest first, in one municipality of a national database.
        indexes = [
            models.Index(fields=["municipality", "-decision_date", "reference"], name="decision_municipality_date_idx")
        ]
        verbose_name = _("gynnande beslut")
        verbose_name_plural = _("gynnande beslut")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="decision_reference_unique_in_municipality"
            ),
            models.CheckConstraint(
                name="decision_delay_reason_valid", condition=Q(delay_reason__in=["", *[r.value for r in DelayReason]])
            ),
            models.CheckConstraint(
                name="decision_ivo_area_valid", condition=Q(ivo_area__in=["", *[a.value for a in IvoArea]])
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class DecisionEvent(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events", verbose_name=_("beslut"))
    kind = models.CharField(_("händelse"), max_length=20, choices=DecisionEventKind.choices)
    date = models.DateField(_("datum"))
    missing_part = models.TextField(_("det som återstår"), blank=True)
    end_reason = models.CharField(_("avslutsorsak"), max_length=30, choices=EndReason.choices, blank=True)
    end_reason_text = models.TextField(_("avslutsorsak, beskrivning"), blank=True)
    recorded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        # The quarterly report asks, for every decision, whether its first wait ended within three
        # months and whether it was ever interrupted (apps.decisions.computation): answered from
        # these indexes alone, without reading the events.
        indexes = [
            models.Index(fields=["decision", "kind", "date"], name="decision_event_kind_date_idx"),
            models.Index(fields=["decision"], condition=Q(kind="interrupted"), name="decision_event_interrupted_idx"),
            # A report after a submitted one asks only for interruptions and records since then.
            models.Index(
                fields=["date", "decision"], condition=Q(kind="interrupted"), name="decision_event_break_day_idx"
            ),
            models.Index(fields=["recorded_at", "decision"], name="decision_event_recorded_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="decision_event_kind_valid", condition=Q(kind__in=[k.value for k in EventKind])
            ),
            models.CheckConstraint(
                name="decision_event_end_reason_only_on_end",
                condition=(Q(kind="ended") & ~Q(end_reason="")) | (~Q(kind="ended") & Q(end_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.kind} {self.date}"


class InsatsOffer(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="offers", verbose_name=_("beslut"))
    offered_on = models.DateField(_("erbjuden"))
    declined = models.BooleanField(_("tackade nej"), default=False)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )

    class Meta:
        ordering = ["offered_on", "id"]
        verbose_name = _("erbjudande")
        verbose_name_plural = _("erbjudanden")

    def __str__(self) -> str:
        return f"{self.decision} {self.offered_on}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inlämnad")


class QuarterlyReport(models.Model):
    """One municipality's report for one quarter. A draft can be recomputed; once submitted its
    rows, counts and date are frozen (the database refuses changes on PostgreSQL)."""

    municipality = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
        verbose_name=_("kommun"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    quarter = models.PositiveSmallIntegerField(_("kvartal"))
    as_of = models.DateField(_("rapporteringstillfälle"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    computed_at = models.DateTimeField(_("beräknad"))
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inlämnad av"),
    )
    # The figures of the council's statistics table shown as "–" when the report was submitted
    # (apps.decisions.council), so later tables are protected together with what was published.
    # None: submitted before the table was kept (its hiding is then worked out from its own rows).
    council_hidden = models.JSONField(_("dolda tal i statistikrapporten till KF"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("kvartalsrapport")
        verbose_name_plural = _("kvartalsrapporter")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "quarter"], name="one_report_per_quarter"),
            models.CheckConstraint(name="report_quarter_1_to_4", condition=Q(quarter__gte=1, quarter__lte=4)),
            models.CheckConstraint(name="report_status_valid", condition=Q(status__in=["draft", "submitted"])),
            models.CheckConstraint(
                name="report_submitted_has_time",
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}Q{self.quarter}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


class ReportRow(models.Model):
    """A row as it stood in the report: the displayed values are copied, so a later change of the
    decision never changes a submitted report."""

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="rows", verbose_name=_("rapport")
    )
    position = models.PositiveIntegerField(_("ordning"))
    section = models.PositiveSmallIntegerField(_("avsnitt"), choices=[(s.value, s.name) for s in Section])
    category = models.CharField(_("kategori"), max_length=20, choices=[(c.value, c.value) for c in Category])
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="report_rows", verbose_name=_("beslut")
    )
    episode_kind = models.CharField(_("väntan"), max_length=20)
    episode_start = models.DateField(_("väntan från"))
    closed = models.BooleanField(_("avslutad vid rapporten"), default=False)
    outcome = models.CharField(_("utfall"), max_length=10, blank=True, choices=[(o.value, o.value) for o in Outcome])
    outcome_date = models.DateField(_("datum för verkställighet, avslut"), null=True, blank=True)
    first_reported_index = models.PositiveIntegerField(_("först rapporterad (kvartalsindex)"))
    reference = models.CharField(_("referens"), max_length=60)
    decision_date = models.DateField(_("beslutsdatum"))
    decision_type_name = models.CharField(_("typ av beslut"), max_length=120)
    legal_basis_label = models.CharField(_("lagrum"), max_length=60)
    reason = models.TextField(_("skäl"), blank=True)
    # The person's legal sex when the report was made, for the council's table: a later change in
    # the registry does not change what a submitted report said. Blank on rows stored before it
    # was kept (the registry's value is used).
    legal_sex = models.CharField(_("kön vid rapporten"), max_length=10, blank=True)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="report_row_position_unique"),
            models.CheckConstraint(name="report_row_section_valid", condition=Q(section__in=[1, 2, 3])),
            models.CheckConstraint(
                name="report_row_closed_has_outcome",
                condition=Q(closed=False, outcome="", outcome_date__isnull=True)
                | Q(closed=True, outcome__in=["executed", "ended"], outcome_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} #{self.position}"


# The follow-up models live beside this module, split along their seams; importing them here
# makes them part of the app's models.
from .committee_models import CommitteeDecision, CommitteeSettings  # noqa: E402
from .ivo_models import IvoEntry, IvoPersonCode  # noqa: E402

__all__ = [
    "CommitteeDecision",
    "CommitteeSettings",
    "Decision",
    "DecisionEvent",
    "DecisionEventKind",
    "DecisionType",
    "DelayReason",
    "EndReason",
    "InsatsOffer",
    "IvoArea",
    "IvoEntry",
    "IvoPersonCode",
    "LegalBasis",
    "LegalBasisKind",
    "QuarterlyReport",
    "ReportRow",
    "ReportStatus",
]
