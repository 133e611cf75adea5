from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import holds_forbund_wide, municipalities_with
from lib.swedish import MONTHS

from .models import AuditAction, AuditEvent


def audit_events_for_user(user: User) -> QuerySet[AuditEvent]:
    """Rows of the municipalities where the user may read the log; förbund-wide readers
    (system administrators of the förbund) also see rows tied to no municipality."""
    slugs = [org.slug for org in municipalities_with(user, Permission.AUDIT_VIEW)]
    condition = Q(municipality_slug__in=slugs)
    if holds_forbund_wide(user, Permission.AUDIT_VIEW):
        condition |= Q(municipality_slug="")
    return AuditEvent.objects.filter(condition)


def search_audit_events(
    user: User,
    *,
    person_code: str = "",
    username: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    events = audit_events_for_user(user)
    if person_code:
        # List and export rows name their people in details["codes"].
        events = events.filter(Q(person_code=person_code) | Q(details__icontains=f'"{person_code}"'))
    if username:
        events = events.filter(actor_username__iexact=username)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events


# --- What a reader of the log sees --------------------------------------------------------------
#
# Rows store the object as (type, id): a primary key, a code, a slug. The page shows the kind in
# Swedish and a name a person understands, worked out for a page of rows at a time: one query per
# kind of object on the page (and one for the organisations named), whatever the number of rows.

KINDS = {
    "action_plan": "Mål i handlingsplanen",
    "activity": "Aktivitet",
    "agreement": "Överenskommelse",
    "audit": "Loggen",
    "budget": "Budget",
    "budget_line": "Budgetpost",
    "committee_settings": "Nämndens uppgifter",
    "bug_meeting": "BUG-möte",
    "database": "Säkerhetskopia",
    "decision": "Beslut",
    "decision_type": "Typ av beslut",
    "delivery": "Leverans",
    "delivery_terms": "Leveransvillkor",
    "demo": "Demodata",
    "enrolment": "Deltagare",
    "exit_document": "Avslutsdokument",
    "forbund": "Förbund",
    "forbund_release": "Publicering för förbundet",
    "invoice": "Faktura",
    "ivo_entry": "Individuppgift till IVO",
    "keyring": "Krypteringsnycklar",
    "leader_change": "Byte av ansvarig ledare",
    "legal_basis": "Lagrum",
    "lexheller": "Lex Heller-rapport",
    "measurement": "Mätning",
    "meeting": "Flerpartsmöte",
    "narrative": "Verksamhetsberättelse",
    "organisation": "Organisation",
    "person": "Person",
    "quarterly_report": "Kvartalsrapport",
    "quarterly_report_preview": "Förhandsvisning av kvartalsrapport",
    "referral": "Intresseanmälan",
    "user": "Användare",
    "violence_batch": "Enkäter om våld",
}
GONE = "finns inte längre"


def _period(kind: str, year: int, period: int) -> str:
    if kind == "monthly" and 1 <= period <= 12:
        return f"{MONTHS[period - 1]} {year}"
    if kind == "tertial":
        return f"tertial {period} {year}"
    if kind == "interim":
        return f"januari–augusti {year}"
    return f"helåret {year}"


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    object_label: str
    municipality_name: str


def _pks(ids: set[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def _participant(code: str) -> str:
    return f"deltagare {code}"


def _labels_by_pk(object_type: str, ids: set[str]) -> dict[str, str]:
    """Names for the rows of one pk-identified kind: one query."""
    from apps.activera.models import (
        ActionPlanGoal,
        Activity,
        Delivery,
        ForbundRelease,
        LeaderChange,
        Measurement,
        MeasurementKind,
        MultiPartyMeeting,
    )
    from apps.decisions.models import Decision, DecisionType, QuarterlyReport
    from apps.forbund.models import Agreement, Budget, BudgetLine, Invoice
    from apps.lexheller.models import BugMeeting

    pks = _pks(ids)
    if not pks:
        return {}
    found: dict[int, str] = {}
    if object_type == "decision":
        found = {pk: ref for pk, ref in Decision.objects.filter(pk__in=pks).values_list("pk", "reference")}
    elif object_type == "decision_type":
        found = dict(DecisionType.objects.filter(pk__in=pks).values_list("pk", "name"))
    elif object_type == "quarterly_report":
        for pk, year, quarter, name in QuarterlyReport.objects.filter(pk__in=pks).values_list(
            "pk", "year", "quarter", "municipality__name"
        ):
            found[pk] = f"för kvartal {quarter} {year}, {name}"
    elif object_type == "delivery":
        for pk, kind, year, period, name in Delivery.objects.filter(pk__in=pks).values_list(
            "pk", "kind", "year", "period", "programme_unit__unit__parent__name"
        ):
            found[pk] = f"{_period(kind, year, period)}, {name}"
    elif object_type == "forbund_release":
        for pk, kind, year, period, name in ForbundRelease.objects.filter(pk__in=pks).values_list(
            "pk", "kind", "year", "period", "programme__forbund__name"
        ):
            found[pk] = f"{_period(kind, year, period)}, {name}"
    elif object_type == "activity":
        for pk, day, label, code in Activity.objects.filter(pk__in=pks).values_list(
            "pk", "date", "activity_type__label", "enrolment__code"
        ):
            found[pk] = f"{label} {day:%Y-%m-%d}, {_participant(code)}"
    elif object_type == "measurement":
        for pk, day, kind, code in Measurement.objects.filter(pk__in=pks).values_list(
            "pk", "date", "kind", "enrolment__code"
        ):
            what = MeasurementKind(kind).label if kind in MeasurementKind.values else "Mätning"
            found[pk] = f"{str(what).lower()} {day:%Y-%m-%d}, {_participant(code)}"
    elif object_type == "action_plan":
        for pk, label, code in ActionPlanGoal.objects.filter(pk__in=pks).values_list(
            "pk", "indicator__label", "enrolment__code"
        ):
            found[pk] = f"{label}, {_participant(code)}"
    elif object_type == "meeting":
        for pk, day, code in MultiPartyMeeting.objects.filter(pk__in=pks).values_list("pk", "date", "enrolment__code"):
            found[pk] = f"{day:%Y-%m-%d}, {_participant(code)}"
    elif object_type == "leader_change":
        for pk, day, code in LeaderChange.objects.filter(pk__in=pks).values_list("pk", "from_date", "enrolment__code"):
            found[pk] = f"från {day:%Y-%m-%d}, {_participant(code)}"
    elif object_type == "agreement":
        for pk, year, name in Agreement.objects.filter(pk__in=pks).values_list(
            "pk", "year", "programme_unit__unit__name"
        ):
            found[pk] = f"{year}, {name}"
    elif object_type == "invoice":
        for pk, tertial, year, name in Invoice.objects.filter(pk__in=pks).values_list(
            "pk", "tertial", "agreement__year", "agreement__programme_unit__unit__name"
        ):
            found[pk] = f"tertial {tertial} {year}, {name}"
    elif object_type == "budget":
        for pk, year, name in Budget.objects.filter(pk__in=pks).values_list("pk", "year", "forbund__name"):
            found[pk] = f"{year}, {name}"
    elif object_type == "budget_line":
        for pk, label, year in BudgetLine.objects.filter(pk__in=pks).values_list("pk", "label", "budget__year"):
            found[pk] = f"{label} (budget {year})"
    elif object_type == "bug_meeting":
        found = {pk: f"{day:%Y-%m-%d}" for pk, day in BugMeeting.objects.filter(pk__in=pks).values_list("pk", "date")}
    return {str(pk): label for pk, label in found.items()}


PK_KINDS = frozenset(
    {
        "action_plan",
        "activity",
        "agreement",
        "budget",
        "budget_line",
        "bug_meeting",
        "decision",
        "decision_type",
        "delivery",
        "forbund_release",
        "invoice",
        "leader_change",
        "measurement",
        "meeting",
        "quarterly_report",
    }
)
# Kinds whose id is already the name a reader knows them by (a code, a number, a file name).
NAMED_BY_ID = frozenset({"database", "enrolment", "keyring", "lexheller", "person", "referral"})
# Kinds read well with their name straight after: "Beslut 2022.301 SN", "Budget 2026, …".
NAMED_PLAINLY = frozenset({"agreement", "budget", "bug_meeting", "decision", "quarterly_report"})
# Kinds whose id means nothing to a reader (the row's municipality and person code say which).
KIND_ONLY = frozenset({"committee_settings", "ivo_entry"})
# "14 deltagare", "12 beslut": the event of a list page.
LIST_ID = re.compile(r"^\d+ \w+$")


def _slug_of(event: AuditEvent) -> str:
    """The organisation a row's id names by its slug, if any."""
    if event.object_type in {"organisation", "forbund", "demo"}:
        return event.object_id
    if event.object_type == "delivery_terms":
        return event.object_id.rsplit("-", 1)[0]
    if event.object_type == "violence_batch":
        return event.object_id.split(" ", 1)[0]
    return ""


def _describe(event: AuditEvent, names: dict[str, str], found: dict[tuple[str, str], str]) -> str:
    object_type, object_id = event.object_type, event.object_id
    if not object_type:
        return ""
    kind = KINDS.get(object_type, "Objekt")
    if not object_id:
        return kind
    if LIST_ID.match(object_id):
        return f"Lista med {object_id}"
    if object_type in PK_KINDS:
        label = found.get((object_type, object_id))
        if not label:
            return f"{kind} {object_id} ({GONE})"
        return f"{kind} {label}" if object_type in NAMED_PLAINLY else f"{kind}: {label}"
    if object_type in KIND_ONLY:
        return kind
    if object_type == "quarterly_report_preview" and (match := re.fullmatch(r"(\d{4})Q([1-4])", object_id)):
        return f"{kind}: kvartal {match.group(2)} {match.group(1)}"
    if object_type in NAMED_BY_ID:
        return f"{kind} {object_id}"
    if object_type == "exit_document":
        return f"{kind}, {_participant(object_id)}"
    if object_type == "legal_basis":
        return f"{kind} {found.get((object_type, object_id), object_id)}"
    if object_type == "user" and event.action == AuditAction.REMINDER_SEND:
        return f"{kind} {found.get((object_type, object_id), object_id)}"
    if object_type in {"organisation", "forbund", "demo"}:
        return f"{kind}: {names.get(object_id, object_id)}"
    if object_type == "delivery_terms":
        slug, _, year = object_id.rpartition("-")
        return f"{kind} {year}, {names.get(slug, slug)}" if year.isdigit() else f"{kind} {object_id}"
    if object_type == "violence_batch":
        slug, _, period = object_id.partition(" ")
        if match := re.fullmatch(r"T(\d) (\d{4})", period):
            period = f"tertial {match.group(1)} {match.group(2)}"
        return f"{kind}: {names.get(slug, slug)}, {period}"
    if object_type == "narrative":
        what, _, year = object_id.rpartition("-")
        return f"{kind}: {_period(what, int(year), 0)}" if year.isdigit() else f"{kind} {object_id}"
    return f"{kind} {object_id}"


def describe_events(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """A page of log rows with the object and the municipality named as a reader knows them."""
    from apps.decisions.models import LegalBasis
    from apps.organisations.models import Organisation

    rows = list(events)
    ids: dict[str, set[str]] = {}
    for event in rows:
        if event.object_type and event.object_id and not LIST_ID.match(event.object_id):
            ids.setdefault(event.object_type, set()).add(event.object_id)
    found: dict[tuple[str, str], str] = {}
    for object_type, object_ids in ids.items():
        if object_type in PK_KINDS:
            found.update({(object_type, i): label for i, label in _labels_by_pk(object_type, object_ids).items()})
    if "legal_basis" in ids:
        for code, label in LegalBasis.objects.filter(code__in=ids["legal_basis"]).values_list("code", "label"):
            found["legal_basis", code] = label
    # Users are named by username, except in a reminder's row, which names the recipient by id.
    reminded = {e.object_id for e in rows if e.object_type == "user" and e.action == AuditAction.REMINDER_SEND}
    if pks := _pks(reminded):
        for pk, username in User.objects.filter(pk__in=pks).values_list("pk", "username"):
            found["user", str(pk)] = username
    slugs = {event.municipality_slug for event in rows} | {_slug_of(event) for event in rows}
    names = dict(Organisation.objects.filter(slug__in=slugs - {""}).values_list("slug", "name")) if slugs - {""} else {}
    return [
        AuditRow(
            event=event,
            object_label=_describe(event, names, found),
            municipality_name=names.get(event.municipality_slug, event.municipality_slug),
        )
        for event in rows
    ]
