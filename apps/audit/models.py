"""The append-only audit log. Rows hold names and ids as plain values, not foreign keys, so they
survive deletion of the user or object they describe."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    pass


class AuditAction(models.TextChoices):
    LOGIN_SUCCESS = "login.success", _("Inloggning lyckades")
    LOGIN_FAILURE = "login.failure", _("Inloggning misslyckades")
    LOGIN_LOCKED = "login.locked", _("Inloggning spärrad")
    LOGOUT = "logout", _("Utloggning")
    OTP_ENROLLED = "otp.enrolled", _("Tvåfaktor registrerad")
    OTP_SUCCESS = "otp.success", _("Tvåfaktor godkänd")
    OTP_FAILURE = "otp.failure", _("Tvåfaktor misslyckades")
    ROLE_GRANT = "role.grant", _("Roll tilldelad")
    ROLE_REVOKE = "role.revoke", _("Roll återkallad")
    USER_CREATE = "user.create", _("Användare skapad")
    TOKEN_CREATE = "token.create", _("API-nyckel skapad")
    TOKEN_REVOKE = "token.revoke", _("API-nyckel återkallad")
    PERSON_CREATE = "person.create", _("Person registrerad")
    PERSON_UPDATE = "person.update", _("Person ändrad")
    PERSON_VIEW = "person.view", _("Person visad")
    PERSON_LIST = "person.list", _("Personlista visad")
    PERSON_SEARCH = "person.search", _("Personsökning")
    PERSON_EXPORT = "person.export", _("Personuppgifter exporterade")
    AUDIT_VIEW = "audit.view", _("Loggen visad")
    KEYS_ROTATE = "keys.rotate", _("Nycklar roterade")
    ORGANISATION_LOAD = "organisation.load", _("Organisationsstruktur inläst")
    DEMO_LOAD = "demo.load", _("Demodata inläst")
    DECISION_CREATE = "decision.create", _("Beslut registrerat")
    DECISION_UPDATE = "decision.update", _("Beslut ändrat")
    DECISION_EVENT = "decision.event", _("Händelse på beslut registrerad")
    DECISION_VIEW = "decision.view", _("Beslut visat")
    DECISION_LIST = "decision.list", _("Beslutsregister visat")
    DECISION_IMPORT = "decision.import", _("Beslutsregister importerat")
    REPORT_COMPUTE = "report.compute", _("Kvartalsrapport beräknad")
    REPORT_SUBMIT = "report.submit", _("Kvartalsrapport inlämnad")
    REPORT_VIEW = "report.view", _("Kvartalsrapport visad")
    REPORT_EXPORT = "report.export", _("Kvartalsrapport exporterad")
    IVO_INDIVIDUAL_VIEW = "ivo.view", _("Individuppgifter till IVO visade")
    IVO_INDIVIDUAL_EXPORT = "ivo.export", _("Individuppgifter till IVO exporterade")
    REFERENCE_DATA_CHANGE = "reference_data.change", _("Koder eller lagrum ändrade")
    REFERRAL_CREATE = "referral.create", _("Intresseanmälan mottagen")
    REFERRAL_UPDATE = "referral.update", _("Intresseanmälan ändrad")
    REFERRAL_VIEW = "referral.view", _("Intresseanmälan visad")
    PARTICIPANT_ENROL = "participant.enrol", _("Deltagare inskriven")
    PARTICIPANT_UPDATE = "participant.update", _("Deltagaruppgifter ändrade")
    PARTICIPANT_EXIT = "participant.exit", _("Deltagare utskriven")
    PARTICIPANT_VIEW = "participant.view", _("Deltagare visad")
    PARTICIPANT_LIST = "participant.list", _("Deltagarlista visad")
    PARTICIPANT_EXPORT = "participant.export", _("Deltagaruppgifter exporterade")
    DELIVERY_CHANGE = "delivery.change", _("Leverans förberedd")
    DELIVERY_SUBMIT = "delivery.submit", _("Leverans inlämnad till förbundet")
    BUDGET_CHANGE = "budget.change", _("Budget ändrad")
    AGREEMENT_CHANGE = "agreement.change", _("Överenskommelse ändrad")
    INVOICE_CHANGE = "invoice.change", _("Faktura ändrad")
    REMINDER_SEND = "reminder.send", _("Påminnelse skickad")
    LEXHELLER_FILE = "lexheller.file", _("Lex Heller-rapport inlämnad")
    LEXHELLER_CHANGE = "lexheller.change", _("Lex Heller-rapport ändrad")
    LEXHELLER_VIEW = "lexheller.view", _("Lex Heller-rapport visad")
    BUG_MEETING_CHANGE = "bug_meeting.change", _("BUG-möte ändrat")
    BACKUP_CREATE = "backup.create", _("Säkerhetskopia skapad")
    BACKUP_RESTORE = "backup.restore", _("Säkerhetskopia återläst")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("användar-id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("användare"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("händelse"), max_length=40, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("objekttyp"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt"), max_length=120, blank=True)
    person_code = models.CharField(_("personkod"), max_length=20, blank=True, db_index=True)
    # Which municipality's data the event touches: decides who may read the row.
    municipality_slug = models.CharField(_("kommun"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, default="web")
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("logghändelser")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Integrity guard, not business logic: an existing row is never written again.
        if not self._state.adding:
            raise AuditLogIsAppendOnly("An audit event cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("An audit event cannot be deleted.")
