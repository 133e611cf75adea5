"""The names of the log's kinds of object in the reader's language, and the registry through which each domain app
names its own objects (their AppConfig.ready registers a labeller). The log page that uses them
to describe rows is apps/home/audit_log.py: it reads users and organisations, which sit above
the log."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_stubs_ext import StrOrPromise

# Month names as a period is named in running text ("mars 2026"): Django's, in the reader's language.

# The keys are the object types stored in the log's rows; the names are shown in the reader's language
# (with a context: "Beslut" here is one decision, not the menu's decisions).
KINDS: dict[str, StrOrPromise] = {
    "access_review": pgettext_lazy("kind of object in the log", "Behörighetsgranskning"),
    "action_plan": pgettext_lazy("kind of object in the log", "Mål i handlingsplanen"),
    "activity": pgettext_lazy("kind of object in the log", "Aktivitet"),
    "agreement": pgettext_lazy("kind of object in the log", "Överenskommelse"),
    "audit": pgettext_lazy("kind of object in the log", "Loggen"),
    "budget": pgettext_lazy("kind of object in the log", "Budget"),
    "budget_line": pgettext_lazy("kind of object in the log", "Budgetpost"),
    "committee_settings": pgettext_lazy("kind of object in the log", "Nämndens uppgifter"),
    "bug_meeting": pgettext_lazy("kind of object in the log", "BUG-möte"),
    "database": pgettext_lazy("kind of object in the log", "Säkerhetskopia"),
    "decision": pgettext_lazy("kind of object in the log", "Beslut"),
    "decision_type": pgettext_lazy("kind of object in the log", "Typ av beslut"),
    "delivery": pgettext_lazy("kind of object in the log", "Leverans"),
    "delivery_terms": pgettext_lazy("kind of object in the log", "Leveransvillkor"),
    "demo": pgettext_lazy("kind of object in the log", "Demodata"),
    "enrolment": pgettext_lazy("kind of object in the log", "Deltagare"),
    "exit_document": pgettext_lazy("kind of object in the log", "Avslutsdokument"),
    "forbund": pgettext_lazy("kind of object in the log", "Förbund"),
    "forbund_release": pgettext_lazy("kind of object in the log", "Publicering för förbundet"),
    "identity_provider": pgettext_lazy("kind of object in the log", "Identitetsleverantör"),
    "invoice": pgettext_lazy("kind of object in the log", "Faktura"),
    "ivo_entry": pgettext_lazy("kind of object in the log", "Individuppgift till IVO"),
    "job": pgettext_lazy("kind of object in the log", "Bakgrundsjobb"),
    "keyring": pgettext_lazy("kind of object in the log", "Krypteringsnycklar"),
    "leader_change": pgettext_lazy("kind of object in the log", "Byte av ansvarig ledare"),
    "legal_basis": pgettext_lazy("kind of object in the log", "Lagrum"),
    "lexheller": pgettext_lazy("kind of object in the log", "Lex Heller-rapport"),
    "measurement": pgettext_lazy("kind of object in the log", "Mätning"),
    "meeting": pgettext_lazy("kind of object in the log", "Flerpartsmöte"),
    "narrative": pgettext_lazy("kind of object in the log", "Verksamhetsberättelse"),
    "organisation": pgettext_lazy("kind of object in the log", "Organisation"),
    "person": pgettext_lazy("kind of object in the log", "Person"),
    "quarterly_report": pgettext_lazy("kind of object in the log", "Kvartalsrapport"),
    "quarterly_report_preview": pgettext_lazy("kind of object in the log", "Förhandsvisning av kvartalsrapport"),
    "referral": pgettext_lazy("kind of object in the log", "Intresseanmälan"),
    "user": pgettext_lazy("kind of object in the log", "Användare"),
    "violence_batch": pgettext_lazy("kind of object in the log", "Enkäter om våld"),
    "year_report": pgettext_lazy("kind of object in the log", "Årsbokslut eller delårsbokslut"),
    "yearend_figures": pgettext_lazy("kind of object in the log", "Underlag till årsbokslut"),
}
GONE = gettext_lazy("finns inte längre")


def period_words(kind: str, year: int, period: int) -> str:
    if kind == "monthly" and 1 <= period <= 12:
        return _("%(month)s %(year)s") % {"month": MONTHS[period], "year": year}
    if kind == "tertial":
        return _("tertial %(period)s %(year)s") % {"period": period, "year": year}
    if kind == "interim":
        return _("januari–augusti %(year)s") % {"year": year}
    return _("helåret %(year)s") % {"year": year}


def participant_words(code: str) -> str:
    return _("deltagare %(code)s") % {"code": code}


# Names for pk-identified kinds come from the apps that own them (their AppConfig.ready registers a
# labeller): the log sits below every domain app and imports none of them.
Labeller = Callable[[list[int]], dict[int, str]]
_LABELLERS: dict[str, Labeller] = {}
_CODE_LABELLERS: dict[str, Callable[[set[str]], dict[str, str]]] = {}


def register_labeller(object_type: str, labeller: Labeller) -> None:
    """`labeller(pks)` names the objects of one kind by primary key, in one query."""
    _LABELLERS[object_type] = labeller


def register_code_labeller(object_type: str, labeller: Callable[[set[str]], dict[str, str]]) -> None:
    """For a kind identified by a code (a legal basis): `labeller(codes)` gives their names."""
    _CODE_LABELLERS[object_type] = labeller


def labeller_of(object_type: str) -> Labeller | None:
    return _LABELLERS.get(object_type)


def code_labeller_of(object_type: str) -> Callable[[set[str]], dict[str, str]] | None:
    return _CODE_LABELLERS.get(object_type)
