"""Why a sign-on is refused: a code for the audit row and a Swedish message for the person."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insyn.errors import NotPermitted

REFUSAL_MESSAGES = {
    "unknown_subject": _(
        "Ditt konto hos identitetsleverantören är inte kopplat till något konto i Insyn – kontakta din administratör."
    ),
    "inactive_user": _("Ditt konto i Insyn är avstängt – kontakta din administratör."),
    "no_grant": _("Du har inget uppdrag i Insyn – kontakta din administratör."),
    "other_organisation": _(
        "Dina uppdrag i Insyn hör till en annan organisation än den här identitetsleverantören. "
        "Logga in via din egen organisations inloggning."
    ),
    "assertion_invalid": _(
        "Inloggningen kunde inte kontrolleras (svaret från identitetsleverantören var ogiltigt). Försök igen."
    ),
    "provider_error": _("Identitetsleverantören avbröt inloggningen. Försök igen eller kontakta din administratör."),
    "missing_identifier": _(
        "Identitetsleverantören skickade inte den uppgift som identifierar dig. Kontakta din administratör."
    ),
    "local_password_disallowed": _(
        "Din organisation loggar in via sin egen identitetsleverantör. Använd knappen "
        "”Logga in via …” nedan i stället för lösenord."
    ),
}


class SignOnRefused(NotPermitted):
    """The provider answered, but Insyn does not let the person in."""

    def __init__(self, reason: str, *, username: str = "") -> None:
        super().__init__(str(REFUSAL_MESSAGES[reason]))
        self.reason = reason
        self.username = username
