"""Reading the audit log: the rows a user may see, the search, and each row's object named in
the reader's language as a person knows it. Rows store the object as (type, id): a primary key, a
code, a slug. The page shows the kind in the reader's language and a name worked out for a page of
rows at a time: one query per kind of object on the page (and one for the organisations named),
whatever the number of rows."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import holds_forbund_wide, municipalities_with
from apps.audit.models import AuditAction, AuditEvent
from apps.audit.naming import GONE, KINDS, code_labeller_of, labeller_of, participant_words, period_words
from apps.organisations.models import Organisation


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


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    object_label: str
    municipality_name: str


def _pks(ids: set[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


# Kinds whose id is already the name a reader knows them by (a code, a number, a file name).
NAMED_BY_ID = frozenset({"database", "enrolment", "keyring", "lexheller", "person", "referral"})
# Kinds read well with their name straight after: "Beslut 2022.301 SN", "Budget 2026, …".
NAMED_PLAINLY = frozenset({"agreement", "budget", "bug_meeting", "decision", "quarterly_report"})
# Kinds whose id means nothing to a reader (the row's municipality and person code say which).
KIND_ONLY = frozenset({"committee_settings", "ivo_entry"})
# "14 deltagare", "12 beslut": the event of a list page.
LIST_ID = re.compile(r"^\d+ \w+$")


def _list_words(object_id: str) -> str:
    """A list page's id ("14 personer", stored in Swedish) in the reader's language."""
    number, _sep, word = object_id.partition(" ")
    count = int(number)
    if word == "personer":
        return ngettext("%(count)s person", "%(count)s personer", count) % {"count": count}
    if word == "deltagare":
        return ngettext("%(count)s deltagare", "%(count)s deltagare", count) % {"count": count}
    if word == "beslut":
        return ngettext("%(count)s beslut", "%(count)s beslut", count) % {"count": count}
    return object_id


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
    kind = str(KINDS[object_type]) if object_type in KINDS else _("Objekt")
    if not object_id:
        return kind
    if LIST_ID.match(object_id):
        return _("Lista med %(what)s") % {"what": _list_words(object_id)}
    if labeller_of(object_type) is not None:
        label = found.get((object_type, object_id))
        if not label:
            return f"{kind} {object_id} ({GONE})"
        return f"{kind} {label}" if object_type in NAMED_PLAINLY else f"{kind}: {label}"
    if object_type in KIND_ONLY:
        return kind
    if object_type == "quarterly_report_preview" and (match := re.fullmatch(r"(\d{4})Q([1-4])", object_id)):
        return _("%(kind)s: kvartal %(quarter)s %(year)s") % {
            "kind": kind,
            "quarter": match.group(2),
            "year": match.group(1),
        }
    if object_type in NAMED_BY_ID:
        return f"{kind} {object_id}"
    if object_type == "exit_document":
        return f"{kind}, {participant_words(object_id)}"
    if code_labeller_of(object_type) is not None:
        return f"{kind} {found.get((object_type, object_id), object_id)}"
    if object_type == "user" and event.action == AuditAction.REMINDER_SEND:
        return f"{kind} {found.get((object_type, object_id), object_id)}"
    if object_type in {"organisation", "forbund", "demo"}:
        return f"{kind}: {names.get(object_id, object_id)}"
    if object_type == "delivery_terms":
        slug, _sep, year = object_id.rpartition("-")
        return f"{kind} {year}, {names.get(slug, slug)}" if year.isdigit() else f"{kind} {object_id}"
    if object_type == "violence_batch":
        slug, _sep, period = object_id.partition(" ")
        if match := re.fullmatch(r"T(\d) (\d{4})", period):
            period = _("tertial %(period)s %(year)s") % {"period": match.group(1), "year": match.group(2)}
        return f"{kind}: {names.get(slug, slug)}, {period}"
    if object_type == "narrative":
        what, _sep, year = object_id.rpartition("-")
        return f"{kind}: {period_words(what, int(year), 0)}" if year.isdigit() else f"{kind} {object_id}"
    return f"{kind} {object_id}"


def describe_events(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """A page of log rows with the object and the municipality named as a reader knows them."""
    rows = list(events)
    ids: dict[str, set[str]] = {}
    for event in rows:
        if event.object_type and event.object_id and not LIST_ID.match(event.object_id):
            ids.setdefault(event.object_type, set()).add(event.object_id)
    found: dict[tuple[str, str], str] = {}
    for object_type, object_ids in ids.items():
        labeller, code_labeller = labeller_of(object_type), code_labeller_of(object_type)
        if labeller is not None and (pks := _pks(object_ids)):
            found.update({(object_type, str(pk)): label for pk, label in labeller(pks).items()})
        elif code_labeller is not None:
            found.update({(object_type, code): label for code, label in code_labeller(object_ids).items()})
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
