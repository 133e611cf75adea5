"""A realistic, generated decision register for the demo (development only)."""

# i18n: data module
from __future__ import annotations

import datetime
import random

from django.utils import timezone

from apps.organisations.models import Organisation
from apps.people.models import Person
from lib.quarters import Quarter

from .minutes import committee_settings_save
from .models import DecisionType
from .services import decision_create, decision_event_add, decision_offer_add, report_prepare, report_submit

IFO_TYPES = [
    "Kontaktfamilj",
    "Kontaktperson",
    "Boendestöd",
    "Daglig sysselsättning",
    "Behandlingshem",
    "Bostad",
    "Stödboende",
    "Familjehem",
    "Öppenvård",
]
LSS_TYPES = ["Daglig verksamhet (LSS)", "Bostad med särskild service för vuxna (LSS)", "Biträde av kontaktperson (LSS)"]
REASONS = {
    "Kontaktfamilj": "Lämplig kontaktfamilj har inte hittats",
    "Kontaktperson": "Lämplig kontaktperson har inte hittats",
    "Boendestöd": "Personal saknas",
    "Daglig sysselsättning": "Plats saknas",
    "Behandlingshem": "Plats saknas på lämpligt behandlingshem",
    "Bostad": "Lämplig bostad saknas",
    "Stödboende": "Plats saknas",
    "Familjehem": "Lämpligt familjehem har inte hittats",
    "Öppenvård": "Väntetid hos utföraren",
}
START = datetime.date(2023, 1, 9)


def load_demo_decisions(
    municipality: Organisation, *, rng: random.Random, today: datetime.date, count: int = 80
) -> int:
    people = list(Person.objects.filter(municipality=municipality))
    types = {t.name: t for t in DecisionType.objects.prefetch_related("legal_bases")}
    span = (today - START).days - 20
    created = 0
    for index in range(count):
        decided = START + datetime.timedelta(days=rng.randrange(0, span))
        name = rng.choice(IFO_TYPES if rng.random() < 0.85 else LSS_TYPES)
        dtype = types[name]
        basis = next(b for b in dtype.legal_bases.all() if b.valid_on(decided))
        late = rng.random() < 0.3
        decision = decision_create(
            actor=None,
            municipality=municipality,
            reference=f"{decided.year}.{100 + index:03d} SN",
            person=rng.choice(people),
            decision_date=decided,
            decision_type=dtype,
            legal_basis=basis,
            caseworker="Demohandläggare",
            delay_reason="resource_shortage" if late else "",
            delay_reason_text=REASONS.get(name, "Plats saknas") if late else "",
            today=today,
        )
        created += 1
        wait = rng.randrange(100, 260) if late else rng.randrange(7, 80)
        when = decided + datetime.timedelta(days=wait)
        if late and rng.random() < 0.4:
            offer = decided + datetime.timedelta(days=rng.randrange(20, 60))
            if offer <= today:
                decision_offer_add(
                    actor=None,
                    decision=decision,
                    offered_on=offer,
                    declined=True,
                    note="Tackade nej till erbjudandet",
                    today=today,
                )
        if when > today:
            continue
        if late and rng.random() < 0.3:
            decision_event_add(
                actor=None,
                decision=decision,
                kind="ended",
                date=when,
                end_reason=rng.choice(["need_ceased", "application_withdrawn", "moved"]),
                today=today,
            )
            continue
        decision_event_add(actor=None, decision=decision, kind="executed", date=when, today=today)
        if rng.random() < 0.12:
            interrupted = when + datetime.timedelta(days=rng.randrange(30, 200))
            if interrupted <= today:
                decision_event_add(actor=None, decision=decision, kind="interrupted", date=interrupted, today=today)
                resumed = interrupted + datetime.timedelta(days=rng.randrange(30, 150))
                if resumed <= today:
                    decision_event_add(actor=None, decision=decision, kind="resumed", date=resumed, today=today)
    return created


def submit_demo_reports(municipality: Organisation, *, today: datetime.date) -> int:
    quarter = Quarter.containing(START)
    submitted = 0
    while True:
        as_of = quarter.last_day + datetime.timedelta(days=10)
        if as_of > today:
            break
        report = report_prepare(actor=None, municipality=municipality, quarter=quarter, as_of=as_of, today=today)
        # The history reads as if each report had been submitted a few working days after its
        # report date, not at the moment the demo loads.
        handed_in = timezone.make_aware(
            datetime.datetime.combine(
                as_of + datetime.timedelta(days=3 if as_of.weekday() < 2 else 5), datetime.time(13, 35)
            )
        )
        report_submit(actor=None, report=report, submitted_at=handed_in)
        submitted += 1
        quarter = quarter.next()
    return submitted


APPENDIX = (
    "Rapporteringsskyldigheten omfattar gynnande beslut om bistånd enligt 4 kap. 1 § socialtjänstlagen "
    "(2001:453), från den 1 juli 2025 11 kap. 1 § socialtjänstlagen (2025:400), inom individ- och "
    "familjeomsorgen: kontaktfamilj, kontaktperson, boendestöd, sysselsättning, behandlingshem, bostad, "
    "stödboende, familjehem och öppenvård, samt beslut om insatser enligt 9 § LSS som nämnden fattar."
)


def load_demo_committee(municipality: Organisation, *, rng: random.Random) -> None:
    """The nämnd's own data its documents print (fictional officials)."""
    first = rng.choice(["Karin", "Anders", "Maria", "Johan", "Eva", "Lars"])
    last = rng.choice(["Berg", "Lind", "Holm", "Ek", "Strand", "Dahl"])
    committee_settings_save(
        actor=None,
        municipality=municipality,
        committee_name="Socialnämnden",
        scope="individ- och familjeomsorg",
        scope_appendix=APPENDIX,
        manager_name=f"{first} {last}",
        manager_title="Socialchef",
        approver_name=f"{first} {last}",
    )
