from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role grants, never from
    Django's is_staff/is_superuser flags, which Insyn leaves unused."""

    # The organisation that invited the person: until they hold a grant, its local administrators
    # still reach them (docs/roles.md). Empty for accounts made on the command line.
    home_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inbjuden av organisation"),
    )
    # The language the person chose with the switch in the header (one of settings.LANGUAGES);
    # empty until they choose: then the browser's language applies. E-mails to them use it too.
    language = models.CharField(_("språk"), max_length=8, blank=True, default="")

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("användare"))
    role = models.CharField(_("roll"), max_length=40, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("organisation"),
    )
    granted_at = models.DateTimeField(_("tilldelad"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("tilldelad av")
    )
    # The days the grant counts, both included (Europe/Stockholm dates); empty = open-ended. A grant
    # outside them is ignored when access is worked out, so it ends by itself without a job.
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)

    class Meta:
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        constraints = [
            # Revoking deletes the row (its history is in the audit log); an ended grant of the same
            # role is deleted when the role is given again (services.role_grant).
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="role_grant_unique"),
            models.CheckConstraint(name="role_grant_role_valid", condition=Q(role__in=[r.value for r in Role])),
            models.CheckConstraint(
                name="role_grant_period_ordered",
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                violation_error_message=_("Slutdatum kan inte vara före startdatum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class UserInvitation(models.Model):
    """A one-time link by e-mail that lets an invited person set a password. Only the SHA-256 of
    the link's token is stored; the link works until it is used or `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("användare"))
    token_digest = models.CharField(_("nyckelns kontrollsumma"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("inbjuden av")
    )
    expires_at = models.DateTimeField(_("går ut"))
    accepted_at = models.DateTimeField(_("använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            models.CheckConstraint(
                name="invitation_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.expires_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """An index of the sessions a user has logged in with, written at login, so an administrator
    can list and end them without decoding every session. A row whose session has gone is stale
    and ignored (selectors join on the session table)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_index", verbose_name=_("användare"))
    session_key = models.CharField(_("sessionsnyckel"), max_length=40, unique=True)
    started_at = models.DateTimeField(_("inloggad"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    user_agent = models.CharField(_("webbläsare"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessioner")

    def __str__(self) -> str:
        return f"{self.user} – {self.started_at:%Y-%m-%d %H:%M}"
