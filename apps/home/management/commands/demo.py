from __future__ import annotations

import datetime
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_create
from apps.activera.demo import demo_leader, load_demo_activera
from apps.activera.models import ProgrammeUnit
from apps.activera.services import programme_load
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.decisions.demo import load_demo_committee, load_demo_decisions, submit_demo_reports
from apps.decisions.models import Decision
from apps.forbund.demo import load_demo_forbund
from apps.lexheller.demo import load_demo_lexheller
from apps.organisations.models import Organisation, OrganisationKind
from apps.organisations.services import organisation_load_structure
from apps.people.models import Person
from apps.people.services import person_create
from apps.yearend.demo import load_yearend_demo
from insyn.errors import Conflict
from lib.identity_numbers import LegalSex, fictional_number

# One demo login per role; the README lists the same table.
DEMO_USERS: list[tuple[str, Role, str, str]] = [
    ("handlaggare.alingsas", Role.EXECUTOR_CASEWORKER, "alingsas-activera", "Handläggare ACTivera Alingsås"),
    ("chef.alingsas", Role.EXECUTOR_MANAGER, "alingsas-activera", "Ansvarig chef ACTivera Alingsås"),
    ("handlaggare.lerum", Role.EXECUTOR_CASEWORKER, "lerum-activera", "Handläggare ACTivera Lerum"),
    ("handlaggare.harryda", Role.EXECUTOR_CASEWORKER, "harryda-activera", "Handläggare ACTivera Härryda"),
    ("handlaggare.molndal", Role.EXECUTOR_CASEWORKER, "molndal-activera", "Handläggare ACTivera Mölndal"),
    ("handlaggare.partille", Role.EXECUTOR_CASEWORKER, "partille-activera", "Handläggare ACTivera Partille"),
    ("registrator.alingsas", Role.DECISIONS_REGISTRAR, "alingsas-socialnamnd", "Registrator, socialnämnden Alingsås"),
    ("revisor.alingsas", Role.AUDITOR, "alingsas", "Revisor Alingsås kommun"),
    ("kansli", Role.FORBUND_OFFICER, "insjoriket", "Förbundskansliet Insjöriket"),
    ("lexheller", Role.LEXHELLER_REPORTER, "forsakringskassan", "Rapportör Lex Heller Försäkringskassan"),
    ("lexheller.admin", Role.LEXHELLER_ADMIN, "insjoriket", "Administratör Lex Heller"),
    # The year-end roles sign the tjänsteskrivelse, so their accounts carry a person's name.
    ("controller.alingsas", Role.YEAREND_CONTROLLER, "alingsas", "Lena Sandberg"),
    ("forvaltningschef.alingsas", Role.ADMINISTRATION_HEAD, "alingsas", "Maria Holm"),
    ("admin.lerum", Role.LOCAL_ADMIN, "lerum", "Lokal administratör Lerums kommun"),
    ("admin", Role.SYSTEM_ADMIN, "insjoriket", "Systemadministratör"),
]

FIRST_NAMES_F = ["Anna", "Eva", "Maria", "Sara", "Elin", "Lina", "Emma", "Amira", "Fatima", "Johanna", "Karin", "Ida"]
FIRST_NAMES_M = [
    "Erik",
    "Lars",
    "Anders",
    "Johan",
    "Ali",
    "Mohammed",
    "Oskar",
    "Jonas",
    "Karl",
    "Mikael",
    "Ahmed",
    "Nils",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Hassan",
    "Lindberg",
    "Berg",
    "Holm",
    "Sandberg",
    "Ek",
]
PEOPLE_PER_MUNICIPALITY = 24


def demo_totp_code() -> str:
    key = bytes.fromhex(settings.INSYN_DEMO_TOTP_HEX)
    return f"{totp(key):06d}"


class Command(BaseCommand):
    help = "Läser in demodata (förbundet, en användare per roll, påhittade personer). Bara i utvecklingsläge."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Gör inget om databasen redan har användare.")
        parser.add_argument("--totp", action="store_true", help="Skriv bara ut demokontonas aktuella engångskod.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demodata får bara läsas in när DEBUG är på (INSYN_ENV=development).")
        if options["totp"]:
            self.stdout.write(demo_totp_code())
            return
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Databasen har redan data; demodata lästes inte in igen.")
        else:
            self._load()
        self._print_logins()

    @transaction.atomic
    def _load(self) -> None:
        organisation_load_structure(name="insjoriket")
        for username, role, org, full_name in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            first, _, last = full_name.partition(" ")
            user = user_create(
                username=username,
                password=None,
                role=role.value,
                organisation_slug=org,
                first_name=first,
                last_name=last,
            )
            # The fixed password is below Django's validators on purpose: demo only, DEBUG only.
            user.set_password(settings.INSYN_DEMO_PASSWORD)
            user.save(update_fields=["password"])
            TOTPDevice.objects.create(user=user, name="Demo", key=settings.INSYN_DEMO_TOTP_HEX, confirmed=True)
        rng = random.Random(20261122)
        for municipality in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY):
            existing = Person.objects.filter(municipality=municipality).count()
            for index in range(existing, PEOPLE_PER_MUNICIPALITY):
                sex = LegalSex.FEMALE if index % 2 == 0 else LegalSex.MALE
                birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 45))
                number = fictional_number(birth, serial=rng.randrange(0, 100), legal_sex=sex)
                names = FIRST_NAMES_F if sex == LegalSex.FEMALE else FIRST_NAMES_M
                try:
                    person_create(
                        actor=None,
                        municipality=municipality,
                        identity_number=number,
                        first_name=rng.choice(names),
                        last_name=rng.choice(LAST_NAMES),
                    )
                except Conflict:
                    continue  # the generator drew a number already in use
        today = timezone.localdate()
        for municipality in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("slug"):
            if not Decision.objects.filter(municipality=municipality).exists():
                load_demo_decisions(municipality, rng=rng, today=today)
                load_demo_committee(municipality, rng=rng)
                submit_demo_reports(municipality, today=today)
        programme_load(name="insjoriket")
        for unit in ProgrammeUnit.objects.select_related("programme", "unit__parent").order_by("unit__slug"):
            leader = demo_leader(unit)
            if leader is not None and not unit.enrolments.exists():
                load_demo_activera(unit, rng=rng, today=today, leader=leader)
        forbund = Organisation.objects.get(slug="insjoriket")
        load_demo_forbund(forbund=forbund, today=today, rng=rng)
        load_demo_lexheller(forbund=forbund, today=today)
        load_yearend_demo(today=today)
        audit_record(actor=None, action=AuditAction.DEMO_LOAD, object_type="demo", object_id="insjoriket")
        self.stdout.write("Demodata inläst.")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demoinloggningar (lösenord för alla: {settings.INSYN_DEMO_PASSWORD})")
        for username, role, org, _name in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {role.value:<20} {org}")
        self.stdout.write("Engångskod: lägg till nyckeln GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ i en autentiseringsapp,")
        self.stdout.write("eller kör `.venv/bin/insyn demo --totp` för aktuell kod.")
        self.stdout.write("")
