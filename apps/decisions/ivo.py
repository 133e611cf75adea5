"""IVO's confidential individual data, field by field as IVO's e-service asks for it, and the
record of what the registrar has entered there.

The fields and their order follow IVO's individual report (Rapportuppgifter, Uppgifter om
individen, Uppgifter om beslutet; docs/decisions.md lists them with their sources). The person is
never named by the personnummer: IVO takes the birth date and four characters (IvoPersonCode)."""

# i18n: swedish-document (addressed to an authority: Swedish by the Language Act 10 §)
from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.people.models import Person
from insyn.errors import Conflict, ValidationFailed
from lib.batching import batched
from lib.nonexecution import MONTHS_ALLOWED, Episode, EventKind, Outcome, Section
from lib.quarters import Quarter, add_months
from lib.spreadsheet import Sheet, Value, workbook_bytes

from .models import (
    Decision,
    DecisionEvent,
    EndReason,
    IvoEntry,
    IvoPersonCode,
    QuarterlyReport,
    ReportRow,
    ReportStatus,
)
from .selectors import decision_episodes
from .services.common import local_today, require_municipality

# --- The identifier IVO takes instead of the personnummer ------------------------------------

CODE_BATCH = 1000
# Each attempt loses only the codes a simultaneous report took in the same instant.
CODE_ATTEMPTS = 5


def _birth_date(digits: str) -> str:
    """YYYYMMDD of a 12-digit personnummer or samordningsnummer (whose day is the birth day + 60)."""
    return f"{digits[0:6]}{int(digits[6:8]) % 60:02d}"


def _candidate(birth: str, legal_sex: str) -> str:
    # T and three digits; the second digit (the four characters' third position) carries sex:
    # even for a woman, odd for a man. The other two are random: nothing of the real number.
    sex_digit = 2 * secrets.randbelow(5) + (1 if legal_sex == "male" else 0)
    return f"{birth}-T{secrets.randbelow(10)}{sex_digit}{secrets.randbelow(10)}"


def _codes_of(person_ids: list[int]) -> dict[int, str]:
    return dict(
        pair
        for chunk in batched(person_ids, CODE_BATCH)
        for pair in IvoPersonCode.objects.filter(person__in=chunk).values_list("person_id", "code")
    )


def ivo_codes_assign(*, municipality: Organisation, people: list[Person]) -> dict[int, str]:
    """Give every person who lacks one an identifier for IVO, unique in the municipality, and
    return person id → identifier. An identifier, once given, is kept.

    In bulk: the municipality's codes are read once and the new ones inserted together, so the
    first report of a large municipality (tens of thousands of people) does not pay a query or
    two per person. A code or a person taken meanwhile by a simultaneous report is skipped by the
    insert and tried again (the person keeps the code the other report gave)."""
    from apps.people.selectors import identity_number_of

    codes = _codes_of([person.pk for person in people])
    missing = {person.pk: person for person in people if person.pk not in codes}
    if not missing:
        return codes
    births = {pk: _birth_date(identity_number_of(person, municipality=municipality)) for pk, person in missing.items()}
    for _attempt in range(CODE_ATTEMPTS):
        taken = set(IvoPersonCode.objects.filter(municipality=municipality).values_list("code", flat=True))
        new: list[IvoPersonCode] = []
        for pk, person in missing.items():
            code = _candidate(births[pk], person.legal_sex)
            while code in taken:
                code = _candidate(births[pk], person.legal_sex)
            taken.add(code)
            new.append(IvoPersonCode(municipality=municipality, person=person, code=code))
        with transaction.atomic():
            IvoPersonCode.objects.bulk_create(new, batch_size=CODE_BATCH, ignore_conflicts=True)
        given = _codes_of(list(missing))
        codes.update(given)
        missing = {pk: person for pk, person in missing.items() if pk not in given}
        if not missing:
            return codes
    raise Conflict(_("Numren till IVO kunde inte ges just nu. Försök igen."))


# --- The fields, in the e-service's order -------------------------------------------------------

GROUPS = ["Rapportuppgifter", "Uppgifter om individen", "Uppgifter om beslutet"]
FIELDS: list[tuple[str, str]] = [
    ("Rapportuppgifter", "Kommun"),
    ("Rapportuppgifter", "Nämnd"),
    ("Rapportuppgifter", "Rapporteringsperiod"),
    ("Rapportuppgifter", "Rapporten gäller"),
    ("Rapportuppgifter", "Först rapporterad"),
    ("Uppgifter om individen", "Personnummer (födelsedatum och fyra tecken)"),
    ("Uppgifter om individen", "Kön"),
    ("Uppgifter om individen", "Skyddade personuppgifter"),
    ("Uppgifter om beslutet", "Inriktning för beslutet"),
    ("Uppgifter om beslutet", "Lagrum"),
    ("Uppgifter om beslutet", "Beviljat bistånd/insats"),
    ("Uppgifter om beslutet", "Datum för gynnande beslut"),
    ("Uppgifter om beslutet", "Datum för när verkställigheten avbröts"),
    ("Uppgifter om beslutet", "Skäl till att beslutet inte verkställts"),
    ("Uppgifter om beslutet", "Konsekvenser för den enskilde"),
    ("Uppgifter om beslutet", "Andra insatser i avvaktan på verkställighet"),
    ("Uppgifter om beslutet", "Erbjudanden om insats"),
    ("Uppgifter om beslutet", "Delvis verkställt"),
    ("Uppgifter om beslutet", "Verkställt eller avslutat"),
    ("Uppgifter om beslutet", "Datum för verkställighet eller avslut"),
    ("Uppgifter om beslutet", "Orsak till avslut"),
    ("Uppgifter om beslutet", "Informationsruta"),
]
FIELD_LABELS = [label for _group, label in FIELDS]
REPORT_KINDS = {
    Section.NOT_EXECUTED: "Gynnande beslut som inte verkställts inom tre månader från beslutet",
    Section.INTERRUPTED: "Avbrott i verkställigheten som inte verkställts på nytt inom tre månader",
    Section.EXECUTED_OR_ENDED: "Tidigare rapporterat beslut som nu verkställts eller avslutats",
}
SEX_LABELS = {"female": "Kvinna/Flicka", "male": "Man/Pojke"}
OUTCOME_LABELS = {Outcome.EXECUTED.value: "Verkställt", Outcome.ENDED.value: "Avslutat"}
PROTECTED_NOTE = "Personen har skyddade personuppgifter."


def quarter_words(quarter: Quarter) -> str:
    return f"Kvartal {quarter.number} {quarter.year}"


def _committee_name(municipality: Organisation) -> str:
    settings = getattr(municipality, "committee_settings", None)
    return settings.committee_name if settings is not None else "Socialnämnden"


@dataclass(frozen=True)
class IvoReport:
    """One individual report: the row it comes from and the e-service's fields."""

    row: ReportRow
    fields: dict[str, str]
    entry: IvoEntry | None  # how it was entered in the e-service, if it was

    @property
    def grouped(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [(group, [(label, self.fields[label]) for g, label in FIELDS if g == group]) for group in GROUPS]

    @property
    def entered_text(self) -> str:
        if self.entry is None:
            return ""
        who = self.entry.entered_by.get_username() if self.entry.entered_by else "systemet"
        early = " (verkställigheten rapporterades när den skedde)" if self.entry.report_id is None else ""
        return f"{self.entry.entered_on.isoformat()} av {who}{early}"


def _end_reason(decision: Decision, as_of: datetime.date) -> str:
    ended: DecisionEvent | None = next(
        (e for e in decision.events.all() if e.kind == EventKind.ENDED and e.date <= as_of), None
    )
    if ended is None:
        return ""
    label = str(EndReason(ended.end_reason).label) if ended.end_reason else ""
    return f"{label}: {ended.end_reason_text}" if ended.end_reason_text else label


def _report_fields(row: ReportRow, report: QuarterlyReport, code: str) -> dict[str, str]:
    decision = row.decision
    quarter = Quarter(report.year, report.quarter)
    first = Quarter(row.first_reported_index // 4, row.first_reported_index % 4 + 1)
    reason_label = decision.get_delay_reason_display() if decision.delay_reason else ""
    # As the report date saw it: what is dated later belongs to a later quarter's report, so an
    # older quarter's data does not change. (The reason, consequences and support meanwhile are
    # kept as current text only.)
    partial = [
        f"{e.date.isoformat()}; återstår: {e.missing_part}"
        for e in decision.events.all()
        if e.kind == EventKind.PARTLY_EXECUTED and e.date <= report.as_of
    ]
    closed = row.section == Section.EXECUTED_OR_ENDED or row.closed
    is_lss = decision.legal_basis.short_label.endswith("LSS")
    return {
        "Kommun": report.municipality.name,
        "Nämnd": _committee_name(report.municipality),
        "Rapporteringsperiod": quarter_words(quarter),
        "Rapporten gäller": REPORT_KINDS[Section(row.section)],
        "Först rapporterad": quarter_words(first),
        "Personnummer (födelsedatum och fyra tecken)": code,
        "Kön": SEX_LABELS.get(row.legal_sex or decision.person.legal_sex, ""),
        "Skyddade personuppgifter": "Ja" if decision.protected_identity else "Nej",
        "Inriktning för beslutet": (
            decision.get_ivo_area_display() if decision.ivo_area else ("Gäller inte (LSS)" if is_lss else "Ej angiven")
        ),
        # The provision as it is cited ("11 kap. 1 § SoL"), not the short form of the nämnd's tables.
        "Lagrum": decision.legal_basis.label,
        "Beviljat bistånd/insats": decision.decision_type.ivo_label,
        "Datum för gynnande beslut": row.decision_date.isoformat(),
        "Datum för när verkställigheten avbröts": (
            row.episode_start.isoformat() if row.episode_kind == "interrupted" else ""
        ),
        "Skäl till att beslutet inte verkställts": " – ".join(
            part for part in (reason_label, decision.delay_reason_text) if part
        ),
        "Konsekvenser för den enskilde": decision.consequences,
        "Andra insatser i avvaktan på verkställighet": decision.interim_support,
        "Erbjudanden om insats": "; ".join(
            f"{offer.offered_on.isoformat()}{' (tackade nej)' if offer.declined else ''}"
            f"{': ' + offer.note if offer.note else ''}"
            for offer in decision.offers.all()
            if offer.offered_on <= report.as_of
        ),
        "Delvis verkställt": "; ".join(partial),
        "Verkställt eller avslutat": OUTCOME_LABELS.get(row.outcome, "") if closed else "",
        "Datum för verkställighet eller avslut": (row.outcome_date.isoformat() if closed and row.outcome_date else ""),
        "Orsak till avslut": _end_reason(decision, report.as_of) if closed and row.outcome == Outcome.ENDED else "",
        "Informationsruta": PROTECTED_NOTE if decision.protected_identity else "",
    }


EntryKey = tuple[int, str, datetime.date]


def _entries(
    rows: list[ReportRow], report: QuarterlyReport
) -> tuple[dict[EntryKey, IvoEntry], dict[EntryKey, IvoEntry]]:
    """The entries of the report's rows, and the closures entered for their waits (at any time)."""
    own: dict[EntryKey, IvoEntry] = {}
    closures: dict[EntryKey, IvoEntry] = {}
    for entry in IvoEntry.objects.filter(decision_id__in={row.decision_id for row in rows}).select_related(
        "entered_by"
    ):
        key = (entry.decision_id, entry.episode_kind, entry.episode_start)
        if entry.report_id == report.pk:
            own[key] = entry
        if entry.closure:
            closures[key] = entry
    return own, closures


def ivo_reports(report: QuarterlyReport) -> list[IvoReport]:
    """One individual report per row of the quarterly report. The identifiers must have been
    assigned (ivo_codes_assign, done when a report is computed)."""
    with translation.override("sv"):
        return _ivo_reports(report)


def _ivo_reports(report: QuarterlyReport) -> list[IvoReport]:
    rows = list(
        report.rows.select_related("decision__person__municipality", "decision__decision_type", "decision__legal_basis")
        .prefetch_related("decision__offers", "decision__events")
        .order_by("position")
    )
    codes = dict(
        IvoPersonCode.objects.filter(person__in={row.decision.person for row in rows}).values_list("person_id", "code")
    )
    own, closures = _entries(rows, report)
    result = []
    for row in rows:
        key = (row.decision_id, row.episode_kind, row.episode_start)
        closed = row.section == Section.EXECUTED_OR_ENDED or row.closed
        entry = own.get(key) or (closures.get(key) if closed else None)
        result.append(IvoReport(row, _report_fields(row, report, codes.get(row.decision.person_id, "")), entry))
    return result


def ivo_json(report: QuarterlyReport) -> list[dict[str, Any]]:
    """IVO's individual reports as JSON, in Swedish whatever the user's language."""
    with translation.override("sv"):
        return _ivo_json(report)


def _ivo_json(report: QuarterlyReport) -> list[dict[str, Any]]:
    return [
        {
            "reference": item.row.reference,
            "section": item.row.section,
            "fields": item.fields,
            "entered": (
                {
                    "on": item.entry.entered_on.isoformat(),
                    "by": item.entry.entered_by.get_username() if item.entry.entered_by else None,
                }
                if item.entry
                else None
            ),
        }
        for item in ivo_reports(report)
    ]


def ivo_xlsx(report: QuarterlyReport) -> bytes:
    """IVO's individual reports as XLSX, in Swedish whatever the user's language."""
    with translation.override("sv"):
        return _ivo_xlsx(report)


def _ivo_xlsx(report: QuarterlyReport) -> bytes:
    header = [*FIELD_LABELS, "Kommunens referens (anges inte till IVO)", "Inrapporterad i e-tjänsten"]
    body: list[list[Value]] = [
        [*(item.fields[label] for label in FIELD_LABELS), item.row.reference, item.entered_text]
        for item in ivo_reports(report)
    ]
    return workbook_bytes([Sheet("Individrapporter IVO", header, body)])


# --- What has been entered in the e-service -------------------------------------------------------


def _require_manage(actor: User | None, municipality: Organisation) -> None:
    require_municipality(actor, municipality, refusal=_("Du får inte rapportera till IVO för den kommunen."))


def _audit_entry(actor: User | None, entry: IvoEntry, context: AuditContext | None, **details: object) -> None:
    # Entering the report in IVO's e-service hands the individual data to IVO: logged as that.
    audit_record(
        actor=actor,
        action=AuditAction.IVO_INDIVIDUAL_EXPORT,
        context=context,
        object_type="ivo_entry",
        object_id=str(entry.pk),
        person_code=entry.decision.person.code,
        municipality_slug=entry.municipality.slug,
        details={
            "reference": entry.decision.reference,
            "channel": "IVO:s e-tjänst",
            "entered_on": entry.entered_on.isoformat(),
            **details,
        },
    )


def _check_entered_on(
    entered_on: datetime.date | None, *, today: datetime.date, not_before: datetime.date | None
) -> None:
    if entered_on is None:
        raise ValidationFailed(
            _("Ange datum."), fields={"entered_on": [_("Ange datumet då rapporten lämnades i e-tjänsten.")]}
        )
    if entered_on > today:
        raise ValidationFailed(_("Fel datum."), fields={"entered_on": [_("Datumet kan inte ligga i framtiden.")]})
    if not_before is not None and entered_on < not_before:
        raise ValidationFailed(
            _("Fel datum."),
            fields={
                "entered_on": [_("Rapporten kan inte ha lämnats före %(date)s.") % {"date": not_before.isoformat()}]
            },
        )


def ivo_entry_record(
    *,
    actor: User | None,
    report: QuarterlyReport,
    row: ReportRow,
    entered_on: datetime.date | None,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> IvoEntry:
    """Record that the individual report of `row` has been entered in IVO's e-service."""
    _require_manage(actor, report.municipality)
    if row.report_id != report.pk:
        raise ValidationFailed(
            _("Raden hör inte till rapporten."), fields={"row": [_("Välj en rad i den här rapporten.")]}
        )
    closure = row.section == Section.EXECUTED_OR_ENDED or row.closed
    _check_entered_on(
        entered_on,
        today=today or local_today(),
        not_before=row.outcome_date if closure else add_months(row.episode_start, MONTHS_ALLOWED),
    )
    assert entered_on is not None
    with transaction.atomic():
        Decision.objects.select_for_update().filter(pk=row.decision_id).first()
        same = IvoEntry.objects.filter(decision_id=row.decision_id, episode_kind=row.episode_kind).filter(
            episode_start=row.episode_start
        )
        earlier = same.filter(report=report).first() or (same.filter(closure=True).first() if closure else None)
        if earlier is not None:
            raise Conflict(
                _("Individrapporten för %(reference)s är redan inrapporterad i IVO:s e-tjänst (%(date)s).")
                % {"reference": row.reference, "date": earlier.entered_on.isoformat()}
            )
        entry = IvoEntry.objects.create(
            municipality=report.municipality,
            decision_id=row.decision_id,
            episode_kind=row.episode_kind,
            episode_start=row.episode_start,
            report=report,
            closure=closure,
            outcome=row.outcome if closure else "",
            outcome_date=row.outcome_date if closure else None,
            entered_on=entered_on,
            entered_by=actor,
        )
        _audit_entry(actor, entry, context, quarter=f"{report.year}Q{report.quarter}", section=row.section)
    return entry


def closures_to_report(decision: Decision) -> list[Episode]:
    """Waits of the decision that a submitted report listed as open and that have ended since,
    not yet reported to IVO as executed or ended: IVO takes that at any time."""
    listed_open = set(
        ReportRow.objects.filter(
            decision=decision, report__status=ReportStatus.SUBMITTED, closed=False, section__in=[1, 2]
        ).values_list("episode_kind", "episode_start")
    )
    closed = set(
        ReportRow.objects.filter(decision=decision, report__status=ReportStatus.SUBMITTED, section=3).values_list(
            "episode_kind", "episode_start"
        )
    )
    reported = set(decision.ivo_entries.filter(closure=True).values_list("episode_kind", "episode_start"))
    return [
        episode
        for episode in decision_episodes(decision)
        if episode.end is not None
        and (episode.kind.value, episode.start) in listed_open
        and (episode.kind.value, episode.start) not in closed
        and (episode.kind.value, episode.start) not in reported
    ]


def ivo_closure_record(
    *,
    actor: User | None,
    decision: Decision,
    entered_on: datetime.date | None,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> IvoEntry:
    """Record that the execution (or end) of a wait already reported to IVO was reported in the
    e-service as soon as it happened, before the next quarter's report."""
    _require_manage(actor, decision.municipality)
    with transaction.atomic():
        Decision.objects.select_for_update().filter(pk=decision.pk).first()
        due = closures_to_report(decision)
        if not due:
            raise ValidationFailed(
                _("Inget att rapportera."),
                fields={
                    "entered_on": [
                        _("Beslutet har ingen väntan som rapporterats till IVO och sedan verkställts eller avslutats.")
                    ]
                },
            )
        episode = due[-1]
        assert episode.end is not None and episode.outcome is not None
        _check_entered_on(entered_on, today=today or local_today(), not_before=episode.end)
        assert entered_on is not None
        entry = IvoEntry.objects.create(
            municipality=decision.municipality,
            decision=decision,
            episode_kind=episode.kind.value,
            episode_start=episode.start,
            closure=True,
            outcome=episode.outcome.value,
            outcome_date=episode.end,
            entered_on=entered_on,
            entered_by=actor,
        )
        _audit_entry(actor, entry, context, outcome=episode.outcome.value, date=episode.end.isoformat())
    return entry
