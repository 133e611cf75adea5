"""Permission-aware reads about users: what a user may do, and where."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from knox.models import AuthToken

from apps.organisations.models import Organisation, OrganisationKind
from apps.organisations.selectors import forbund_of, municipality_of

from .models import RoleGrant, User
from .roles import PERSONAL_DATA_PERMISSIONS, ROLE_PERMISSIONS, SECOND_FACTOR_ROLES, Permission, Role


def valid_on(day: datetime.date) -> Q:
    """The grants that count on `day` (a Europe/Stockholm date): started and not yet ended."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


@dataclass(frozen=True)
class GrantScope:
    role: Role
    organisation: Organisation
    municipality: Organisation | None
    forbund: Organisation | None


class Access:
    """What one user may do, and where, worked out once: the grants are read in one query and each
    permission's municipalities once, then kept on the user object for the rest of the request.
    Every selector and service asks through it (`access_of(actor)`), so a request that checks the
    same permission many times (a referral's acceptance does six times) reads it once."""

    def __init__(self, user: User) -> None:
        self.grants = [
            GrantScope(
                role=Role(grant.role),
                organisation=grant.organisation,
                municipality=municipality_of(grant.organisation),
                forbund=forbund_of(grant.organisation),
            )
            for grant in RoleGrant.objects.filter(valid_on(timezone.localdate()), user=user).select_related(
                "organisation__parent__parent__parent"
            )
        ]
        self._municipalities: dict[Permission, list[Organisation]] = {}

    def municipalities(self, permission: Permission) -> list[Organisation]:
        if permission not in self._municipalities:
            self._municipalities[permission] = self._municipalities_with(permission)
        return self._municipalities[permission]

    def _municipalities_with(self, permission: Permission) -> list[Organisation]:
        found: dict[int, Organisation] = {}
        forbund_ids: set[int] = set()
        for grant in self.grants:
            if permission not in ROLE_PERMISSIONS[grant.role]:
                continue
            if grant.municipality is not None:
                found[grant.municipality.pk] = grant.municipality
            elif permission not in PERSONAL_DATA_PERMISSIONS and grant.forbund is not None:
                forbund_ids.add(grant.forbund.pk)
        if forbund_ids:
            for org in Organisation.objects.filter(parent_id__in=forbund_ids, kind=OrganisationKind.MUNICIPALITY):
                found[org.pk] = org
        return sorted(found.values(), key=lambda org: org.name)


def access_of(user: User) -> Access:
    cached: Access | None = getattr(user, "_insyn_access", None)
    if cached is None:
        cached = Access(user)
        user._insyn_access = cached  # type: ignore[attr-defined]
    return cached


def grants_of(user: User) -> list[GrantScope]:
    """The user's grants with their municipality and förbund."""
    return access_of(user).grants


def forget_grants(user: User) -> None:
    """After a grant is given or taken away: the next question reads the grants again."""
    for cached in ("_insyn_access", "_insyn_admin_reach"):
        if hasattr(user, cached):
            delattr(user, cached)


def has_permission(user: User | AnonymousUser, permission: Permission) -> bool:
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    return any(permission in ROLE_PERMISSIONS[grant.role] for grant in grants_of(user))


def municipalities_with(user: User | AnonymousUser, permission: Permission) -> list[Organisation]:
    """The municipalities in which `user` holds `permission`.

    Personal-data permissions count only for grants inside a municipality. Other permissions
    held at förbund level reach every member municipality of the förbund.
    """
    if not user.is_authenticated:
        return []
    assert isinstance(user, User)
    return list(access_of(user).municipalities(permission))


def holds_forbund_wide(user: User | AnonymousUser, permission: Permission) -> bool:
    """True when the permission is held at förbund level (not only inside a municipality)."""
    if not user.is_authenticated or permission in PERSONAL_DATA_PERMISSIONS:
        return False
    assert isinstance(user, User)
    return any(
        permission in ROLE_PERMISSIONS[grant.role] and grant.municipality is None and grant.forbund is not None
        for grant in grants_of(user)
    )


def requires_second_factor(user: User) -> bool:
    return any(grant.role in SECOND_FACTOR_ROLES for grant in grants_of(user))


def second_factor_pending(user: User) -> bool:
    """True while a user whose roles demand a second factor has not given one in this session.
    `is_verified` is attached by django-otp's middleware; a user object without it is unverified."""
    is_verified = getattr(user, "is_verified", None)
    return requires_second_factor(user) and not (is_verified is not None and is_verified())


def forbunds_with(user: User | AnonymousUser, permission: Permission) -> list[Organisation]:
    """The förbund in which `user` holds `permission` at förbund level (the förbund's own work:
    budget, agreements, Lex Heller administration). Grants inside a member do not count."""
    if not user.is_authenticated or permission in PERSONAL_DATA_PERMISSIONS:
        return []
    assert isinstance(user, User)
    found = {
        grant.forbund.pk: grant.forbund
        for grant in grants_of(user)
        if permission in ROLE_PERMISSIONS[grant.role]
        and grant.municipality is None
        and grant.forbund is not None
        and grant.organisation.kind == OrganisationKind.FORBUND
    }
    return sorted(found.values(), key=lambda org: org.name)


def forbunds_of(user: User | AnonymousUser, permission: Permission) -> list[Organisation]:
    """The förbund of every grant of `user` that carries `permission`, wherever in the förbund."""
    if not user.is_authenticated:
        return []
    assert isinstance(user, User)
    found = {
        grant.forbund.pk: grant.forbund
        for grant in grants_of(user)
        if permission in ROLE_PERMISSIONS[grant.role] and grant.forbund is not None
    }
    return sorted(found.values(), key=lambda org: org.name)


def _api_tokens() -> QuerySet[AuthToken]:
    """Tokens with their owner and `expired` (an expired token is refused by the API; knox deletes
    it the next time its owner authenticates), newest first."""
    return (
        AuthToken.objects.select_related("user")
        .annotate(
            expired=Case(
                When(expiry__lt=timezone.now(), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-created", "digest")
    )


def api_tokens_of(owner: User) -> QuerySet[AuthToken]:
    """One user's API tokens, whoever asks (the owner's own page; the command line, which is the operator)."""
    return _api_tokens().filter(user=owner)


def may_manage_every_api_token(user: User | AnonymousUser) -> bool:
    """System administrators see and revoke every user's tokens; everyone else only their own."""
    return has_permission(user, Permission.USERS_MANAGE)


def api_tokens_for_user(user: User, *, username: str = "") -> QuerySet[AuthToken]:
    """The tokens `user` may see: their own, or every user's for a system administrator.
    `username` narrows the list to one owner (case-insensitive); outside the user's reach it is empty."""
    tokens = _api_tokens()
    if not may_manage_every_api_token(user):
        tokens = tokens.filter(user=user)
    if username:
        tokens = tokens.filter(user__username__iexact=username)
    return tokens


def get_api_token_for_user(user: User, token_key: str) -> AuthToken:
    """The token with this key prefix, if it is the user's own or the user is a system administrator;
    404 for everyone else, as for anything outside their reach."""
    token = api_tokens_for_user(user).filter(token_key=token_key).first()
    if token is None:
        raise Http404
    return token
