"""The names of the log's kinds of object in Swedish, and the registry through which each domain app
names its own objects (their AppConfig.ready registers a labeller). The log page that uses them
to describe rows is apps/home/audit_log.py: it reads users and organisations, which sit above
the log."""

from __future__ import annotations

from collections.abc import Callable

from lib.swedish import MONTHS

KINDS = {
    "access_review": "Behörighetsgranskning",
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
    "identity_provider": "Identitetsleverantör",
    "invoice": "Faktura",
    "ivo_entry": "Individuppgift till IVO",
    "job": "Bakgrundsjobb",
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
    "year_report": "Årsbokslut eller delårsbokslut",
    "yearend_figures": "Underlag till årsbokslut",
}
GONE = "finns inte längre"


def period_words(kind: str, year: int, period: int) -> str:
    if kind == "monthly" and 1 <= period <= 12:
        return f"{MONTHS[period - 1]} {year}"
    if kind == "tertial":
        return f"tertial {period} {year}"
    if kind == "interim":
        return f"januari–augusti {year}"
    return f"helåret {year}"


def participant_words(code: str) -> str:
    return f"deltagare {code}"


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
