from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role grants, never from
    Django's is_staff/is_superuser flags, which Insyn leaves unused."""

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

    class Meta:
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="role_grant_unique"),
            models.CheckConstraint(name="role_grant_role_valid", condition=Q(role__in=[r.value for r in Role])),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"
