"""The append-only audit log. Rows hold names and ids as plain values, not foreign keys, so they
survive deletion of the user or object they describe.

Every row carries a keyed digest of its fields, written with the row; the sealer links committed
rows into a keyed hash chain (`AuditChainLink`), so `insyn audit verify` finds a row removed or
altered even by someone who can bypass the database's refusals (integrity.py, services.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .integrity import DIGEST_FIELDS, OPTIONAL_DIGEST_FIELDS, audit_keys, event_digest


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
    LETTERHEAD_CHANGE = "letterhead.change", _("Brevhuvud ändrat")
    DEMO_LOAD = "demo.load", _("Demodata inläst")
    DECISION_CREATE = "decision.create", _("Beslut registrerat")
    DECISION_UPDATE = "decision.update", _("Beslut ändrat")
    DECISION_EVENT = "decision.event", _("Händelse på beslut registrerad")
    DECISION_VIEW = "decision.view", _("Beslut visat")
    DECISION_LIST = "decision.list", _("Beslutsregister visat")
    DECISION_IMPORT = "decision.import", _("Beslutsregister importerat")
    DECISION_EXPORT = "decision.export", _("Beslutsregister exporterat")
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
    DELIVERY_NOTIFY = "delivery.notify", _("Förbundet underrättat om inlämnad leverans")
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
    YEAREND_IMPORT = "yearend.import", _("Underlag till årsbokslut inläst")
    YEAREND_CHANGE = "yearend.change", _("Årsbokslut ändrat")
    YEAREND_APPROVE = "yearend.approve", _("Årsbokslut godkänt")
    YEAREND_EXPORT = "yearend.export", _("Årsbokslut exporterat")
    USER_INVITE = "user.invite", _("Användare inbjuden")
    USER_INVITATION_ACCEPT = "user.invitation_accept", _("Inbjudan antagen")
    USER_UPDATE = "user.update", _("Användaruppgifter ändrade")
    USER_DEACTIVATE = "user.deactivate", _("Användare inaktiverad")
    USER_REACTIVATE = "user.reactivate", _("Användare återaktiverad")
    USER_VIEW = "user.view", _("Användare visad")
    USER_LIST = "user.list", _("Användarlista visad")
    OTP_RESET = "otp.reset", _("Tvåfaktor återställd")
    LOCKOUT_RELEASE = "lockout.release", _("Inloggningsspärr hävd")
    SESSION_REVOKE = "session.revoke", _("Inloggad session avslutad")
    ACCESS_REVIEW_VIEW = "access_review.view", _("Behörighetsgranskning visad")
    ACCESS_REVIEW_EXPORT = "access_review.export", _("Behörighetsgranskning exporterad")
    SSO_CONFIG_CHANGE = "sso.change", _("Inställning för inloggning via identitetsleverantör ändrad")
    SSO_LOGIN_REFUSED = "sso.refused", _("Inloggning via identitetsleverantör nekad")
    JOB_START = "job.start", _("Bakgrundsjobb startat")
    JOB_FINISH = "job.finish", _("Bakgrundsjobb klart")
    JOB_FAIL = "job.fail", _("Bakgrundsjobb misslyckades")
    JOB_DOWNLOAD = "job.download", _("Bakgrundsjobbets fil hämtad")
    MAIL_SEND = "mail.send", _("E-post skickad")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")

    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> list[AuditEvent]:
        # bulk_create skips save(): give every row its digest here too.
        objs = list(objs)
        key = audit_keys().active
        for obj in objs:
            if not obj.digest:
                obj.digest = obj.compute_digest(key=key)
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    # A default rather than auto_now_add, which would set the time only inside the INSERT, after
    # the digest over it has been computed.
    occurred_at = models.DateTimeField(_("tidpunkt"), default=timezone.now, editable=False, db_index=True)
    actor_id = models.BigIntegerField(_("användar-id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("användare"), max_length=150, blank=True)
    action = models.CharField(_("händelse"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(_("objekttyp"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt"), max_length=120, blank=True)
    person_code = models.CharField(_("personkod"), max_length=20, blank=True)
    # Which municipality's data the event touches: decides who may read the row.
    municipality_slug = models.CharField(_("kommun"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, default="web")
    details = models.JSONField(_("detaljer"), default=dict, blank=True)
    # The request (or job) that wrote the row, as in its log lines (apps/core/request_id.py). Null
    # on rows from before request ids and from the command line without one: a nullable column
    # without default is added without touching a row, which the append-only triggers would refuse.
    # No index: looked up by hand when following one request, not by the application.
    request_id = models.CharField(_("anrops-id"), max_length=64, null=True, blank=True)
    # "<key id>:<HMAC-SHA256 of the fields>" (integrity.event_digest). Empty only on rows written
    # before digests existed; the database default keeps inserts of a previous release working
    # while it is being replaced.
    digest = models.CharField(_("kontrollsumma"), max_length=80, default="", db_default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("logghändelser")
        # Declared here rather than with db_index: on a text column that also gives PostgreSQL a
        # varchar_pattern_ops twin (for LIKE 'x%'), which nothing asks of the log, and every index
        # costs every one of the log's many inserts.
        indexes = [
            models.Index(fields=["actor_username"], name="audit_actor_username"),
            models.Index(fields=["action"], name="audit_action"),
            models.Index(fields=["person_code"], name="audit_person_code"),
            models.Index(fields=["municipality_slug"], name="audit_municipality_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Integrity guard, not business logic: an existing row is never written again.
        if not self._state.adding:
            raise AuditLogIsAppendOnly("An audit event cannot be changed once written.")
        self.digest = self.compute_digest(key=audit_keys().active)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("An audit event cannot be deleted.")

    def compute_digest(self, *, key: bytes) -> str:
        return event_digest({name: getattr(self, name) for name in (*DIGEST_FIELDS, *OPTIONAL_DIGEST_FIELDS)}, key=key)


class AuditChainLinkQuerySet(models.QuerySet["AuditChainLink"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit chain cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit chain cannot be deleted from.")


class AuditChainLink(models.Model):
    """One link of the hash chain over the audit log, written only by `audit_chain_extend`.

    mac = HMAC(key, previous link's mac ‖ event id ‖ digest). The chain's order is the order in
    which events were linked, not their ids: an import that commits late is linked late."""

    sequence = models.BigIntegerField(_("länknummer"), primary_key=True)
    # A plain value, not a foreign key: a link must outlive the row it vouches for, to show that
    # the row was removed.
    event_id = models.BigIntegerField(_("händelse"), unique=True)
    key_id = models.CharField(_("nyckel"), max_length=16)
    # The event's digest as it was when linked (computed then for rows older than digests).
    digest = models.CharField(_("kontrollsumma"), max_length=80)
    mac = models.CharField(_("kedjans kontrollsumma"), max_length=64)

    objects = AuditChainLinkQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("länk i loggens kedja")
        verbose_name_plural = _("länkar i loggens kedja")

    def __str__(self) -> str:
        return f"{self.sequence}:{self.mac}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("A chain link cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("A chain link cannot be deleted.")
