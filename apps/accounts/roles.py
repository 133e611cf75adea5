"""Roles and what each may do: the one table that views, API and templates all consult.
docs/roles.md is the same table for people."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EXECUTOR_CASEWORKER = "executor_caseworker", _("Handläggare hos utförare")
    EXECUTOR_MANAGER = "executor_manager", _("Ansvarig chef hos utförare")
    DECISIONS_REGISTRAR = "decisions_registrar", _("Registrator för beslut (socialnämnd)")
    AUDITOR = "auditor", _("Revisor")
    FORBUND_OFFICER = "forbund_officer", _("Förbundskansliet")
    LEXHELLER_REPORTER = "lexheller_reporter", _("Rapportör Lex Heller")
    LEXHELLER_ADMIN = "lexheller_admin", _("Administratör Lex Heller")
    YEAREND_CONTROLLER = "yearend_controller", _("Verksamhetscontroller (nämndens årsbokslut)")
    ADMINISTRATION_HEAD = "administration_head", _("Förvaltningschef")
    LOCAL_ADMIN = "local_admin", _("Lokal administratör")
    SYSTEM_ADMIN = "system_admin", _("Systemadministratör")


class Permission(models.TextChoices):
    PERSON_VIEW = "person.view", _("Se personuppgifter i kommunens register")
    PERSON_MANAGE = "person.manage", _("Registrera och ändra personer")
    PERSON_EXPORT = "person.export", _("Exportera personregistret")
    AUDIT_VIEW = "audit.view", _("Söka i loggen")
    ORGANISATION_VIEW = "organisation.view", _("Se organisationsstrukturen")
    USERS_MANAGE = "users.manage", _("Hantera användare och roller")
    REFERENCE_DATA_MANAGE = "reference_data.manage", _("Hantera koder och lagrum")
    STATISTICS_VIEW = "statistics.view", _("Se avidentifierad statistik")
    LEXHELLER_REPORT = "lexheller.report", _("Rapportera brister i samverkan")
    DECISION_MANAGE = "decision.manage", _("Registrera gynnande beslut och ta fram kvartalsrapporter")
    IVO_INDIVIDUAL_VIEW = "ivo_individual.view", _("Se individuppgifterna till IVO")
    DECISION_REPORT_VIEW = "decision_report.view", _("Läsa rapporterna till nämnd, KF och revisorer")
    PARTICIPANT_MANAGE = "participant.manage", _("Ta emot intresseanmälningar och följa deltagare")
    PARTICIPANT_OVERRIDE = "participant.override", _("Göra dokumenterat undantag från målgruppskriterierna")
    FORBUND_ECONOMY_MANAGE = "forbund_economy.manage", _("Hantera förbundets budget, överenskommelser och fakturor")
    LEXHELLER_ADMINISTER = "lexheller.administer", _("Administrera Lex Heller-rapporter och BUG-möten")
    LEXHELLER_VIEW_PUBLISHED = "lexheller.view_published", _("Läsa publicerade Lex Heller-rapporter")
    YEAREND_VIEW = "yearend.view", _("Läsa nämndens årsbokslut och delårsbokslut")
    YEAREND_EDIT = "yearend.edit", _("Skriva nämndens årsbokslut och läsa in underlag")
    YEAREND_APPROVE = "yearend.approve", _("Godkänna nämndens årsbokslut (godkännare)")
    AGREEMENT_VIEW_OWN = "agreement.view_own", _("Läsa den egna överenskommelsen med förbundet och dess fakturor")
    ACCESS_REVIEW_VIEW = "access_review.view", _("Granska vem som har vilken behörighet")


# Permissions that reach personal data. They apply only inside the municipality of the grant:
# personal data never leaves the municipality that registered it.
PERSONAL_DATA_PERMISSIONS = frozenset(
    {
        Permission.PERSON_VIEW,
        Permission.PERSON_MANAGE,
        Permission.PERSON_EXPORT,
        Permission.DECISION_MANAGE,
        Permission.IVO_INDIVIDUAL_VIEW,
        Permission.PARTICIPANT_MANAGE,
        Permission.PARTICIPANT_OVERRIDE,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.EXECUTOR_CASEWORKER: frozenset(
        {
            Permission.PERSON_VIEW,
            Permission.PERSON_MANAGE,
            Permission.ORGANISATION_VIEW,
            Permission.LEXHELLER_REPORT,
            Permission.PARTICIPANT_MANAGE,
            Permission.AGREEMENT_VIEW_OWN,
        }
    ),
    Role.EXECUTOR_MANAGER: frozenset(
        {
            Permission.PERSON_VIEW,
            Permission.PERSON_MANAGE,
            Permission.PERSON_EXPORT,
            Permission.ORGANISATION_VIEW,
            Permission.STATISTICS_VIEW,
            Permission.LEXHELLER_REPORT,
            Permission.PARTICIPANT_MANAGE,
            Permission.PARTICIPANT_OVERRIDE,
            Permission.AGREEMENT_VIEW_OWN,
        }
    ),
    Role.DECISIONS_REGISTRAR: frozenset(
        {
            Permission.PERSON_VIEW,
            Permission.PERSON_MANAGE,
            Permission.PERSON_EXPORT,
            Permission.ORGANISATION_VIEW,
            Permission.DECISION_MANAGE,
            Permission.IVO_INDIVIDUAL_VIEW,
            Permission.DECISION_REPORT_VIEW,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.AUDIT_VIEW,
            Permission.ORGANISATION_VIEW,
            Permission.STATISTICS_VIEW,
            Permission.DECISION_REPORT_VIEW,
            Permission.YEAREND_VIEW,
            Permission.ACCESS_REVIEW_VIEW,
        }
    ),
    Role.FORBUND_OFFICER: frozenset(
        {
            Permission.ORGANISATION_VIEW,
            Permission.STATISTICS_VIEW,
            Permission.LEXHELLER_REPORT,
            Permission.FORBUND_ECONOMY_MANAGE,
        }
    ),
    Role.LEXHELLER_REPORTER: frozenset({Permission.LEXHELLER_REPORT}),
    Role.LEXHELLER_ADMIN: frozenset({Permission.LEXHELLER_REPORT, Permission.LEXHELLER_ADMINISTER}),
    Role.YEAREND_CONTROLLER: frozenset(
        {Permission.ORGANISATION_VIEW, Permission.YEAREND_VIEW, Permission.YEAREND_EDIT}
    ),
    Role.ADMINISTRATION_HEAD: frozenset(
        {Permission.ORGANISATION_VIEW, Permission.YEAREND_VIEW, Permission.YEAREND_EDIT, Permission.YEAREND_APPROVE}
    ),
    # Manages users and roles inside its own organisation and the units under it, never above it,
    # never a neighbour, never the system administrator role (apps/accounts, user administration).
    Role.LOCAL_ADMIN: frozenset({Permission.ORGANISATION_VIEW, Permission.USERS_MANAGE, Permission.ACCESS_REVIEW_VIEW}),
    Role.SYSTEM_ADMIN: frozenset(
        {
            Permission.AUDIT_VIEW,
            Permission.ORGANISATION_VIEW,
            Permission.USERS_MANAGE,
            Permission.REFERENCE_DATA_MANAGE,
            Permission.ACCESS_REVIEW_VIEW,
        }
    ),
}

# Published Lex Heller reports are for every user of the förbund, whatever the role.
for _role in ROLE_PERMISSIONS:
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {Permission.LEXHELLER_VIEW_PUBLISHED}

# A second factor is required for every role that can see personal data, or the log of who saw it,
# or that can hand out roles.
SECOND_FACTOR_ROLES = frozenset(
    role
    for role, permissions in ROLE_PERMISSIONS.items()
    if permissions & (PERSONAL_DATA_PERMISSIONS | {Permission.AUDIT_VIEW, Permission.USERS_MANAGE})
)
