"""The editable texts of a report and where each stands in the document. One table, so the page,
the services and the documents agree on the keys."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.organisations.models import Organisation


@dataclass(frozen=True)
class TextSection:
    key: str
    label: StrOrPromise


MEMO_TEXTS = [
    TextSection("memo_case", gettext_lazy("Ärendebeskrivning")),
    TextSection("memo_statement", gettext_lazy("Förvaltningens yttrande")),
    TextSection("memo_economy", gettext_lazy("Ekonomisk bedömning")),
    TextSection("memo_proposal", gettext_lazy("Förslag till beslut")),
]
REPORT_TEXTS = [
    TextSection("verksamhet", gettext_lazy("Verksamhet")),
    TextSection("agenda2030", gettext_lazy("Socialnämndens arbete kopplat till Agenda 2030")),
    TextSection("goals_intro", gettext_lazy("Uppföljning av socialnämndens mål, inledning")),
    TextSection("control_intro", gettext_lazy("Uppföljning av internkontroll")),
    TextSection("control_immediate", gettext_lazy("Omedelbara åtgärder")),
    TextSection("providers_intro", gettext_lazy("Uppföljning av privata utförare")),
    TextSection("providers_comment", gettext_lazy("Bilaga 2, kommentar till uppföljningen")),
    TextSection("drift_summary", gettext_lazy("Drift: inledande sammanfattning")),
    TextSection("drift_outcome", gettext_lazy("Drift: utfall för perioden")),
    TextSection("drift_comparison", gettext_lazy("Drift: jämförelse mellan åren")),
    TextSection("prognosis_comment", gettext_lazy("Prognos och prognosförändring")),
    TextSection("investments_outcome", gettext_lazy("Investeringar: utfall för perioden")),
    TextSection("investments_comparison", gettext_lazy("Investeringar: jämförelse mellan åren")),
    TextSection("staff_comment", gettext_lazy("Personalstatistik")),
    TextSection("recruitment", gettext_lazy("Rekryteringsbehov och kompetensförsörjning")),
    TextSection("work_environment", gettext_lazy("Arbetsmiljö")),
    TextSection("injuries_comment", gettext_lazy("Arbetsskador och tillbud")),
    TextSection("sick_leave_comment", gettext_lazy("Sjukfrånvaro")),
]
# Where each editable text stands in the document: the document's section key → the text's key.
SECTION_TEXT_KEYS = {
    "verksamhet": "verksamhet",
    "agenda2030": "agenda2030",
    "mal": "goals_intro",
    "internkontroll": "control_intro",
    "omedelbara": "control_immediate",
    "privata": "providers_intro",
    "drift_summary": "drift_summary",
    "drift_outcome": "drift_outcome",
    "drift_comparison": "drift_comparison",
    "prognos": "prognosis_comment",
    "investments_outcome": "investments_outcome",
    "investments_comparison": "investments_comparison",
    "personalstatistik": "staff_comment",
    "rekrytering": "recruitment",
    "arbetsmiljo": "work_environment",
    "arbetsskador": "injuries_comment",
    "sjukfranvaro": "sick_leave_comment",
    "bilaga2": "providers_comment",
}
TEXT_KEYS = {section.key for section in MEMO_TEXTS + REPORT_TEXTS}


def goal_text_key(goal_pk: int) -> str:
    return f"goal-{goal_pk}"


def is_text_key(key: str) -> bool:
    return key in TEXT_KEYS or (key.startswith("goal-") and key[5:].isdigit())


def label_of(key: str) -> str:
    for section in MEMO_TEXTS + REPORT_TEXTS:
        if section.key == key:
            return str(section.label)
    return _("Kommentar/analys av mål")


def namnd_title(namnd: Organisation) -> str:
    """ "Socialnämnden" from "Socialnämnden Alingsås": the body's own name without the place."""
    return namnd.name.split(" ")[0] if namnd.name.startswith("Socialnämnden") else namnd.name


def genitive(name: str) -> str:
    return name if name.endswith("s") else f"{name}s"
