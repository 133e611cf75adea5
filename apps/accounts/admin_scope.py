"""Who may administer whom: the reach of a system administrator (everyone) and of a local
administrator (the users inside their organisation's subtree), and the access helpers of user
administration (404 for anyone outside the reach). docs/roles.md states the same rules."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of

from .models import RoleGrant, User, UserInvitation, UserSession
from .roles import Permission, Role
from .selectors import grants_of


def token_digest(token: str) -> str:
    """What is stored of an invitation link's token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Reach:
    """The organisations someone's authority covers: every one (`everything`) or those listed."""

    everything: bool
    organisation_ids: frozenset[int]

    def covers(self, organisation_id: int | None) -> bool:
        return self.everything or (organisation_id is not None and organisation_id in self.organisation_ids)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.organisation_ids


def subtree_ids(roots: Iterable[int]) -> frozenset[int]:
    """The organisations `roots` and every one below them (one query for the whole tree)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Organisation.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children[pk])
    return frozenset(found)


def is_system_admin(user: User) -> bool:
    return any(grant.role == Role.SYSTEM_ADMIN for grant in grants_of(user))


def admin_reach_of(user: User) -> Reach:
    """Where `user` administers users: everywhere for a system administrator; the subtree of each
    organisation where they are local administrator; nowhere otherwise."""
    cached: Reach | None = getattr(user, "_insyn_admin_reach", None)
    if cached is None:
        if is_system_admin(user):
            cached = Reach(everything=True, organisation_ids=frozenset())
        else:
            roots = [grant.organisation.pk for grant in grants_of(user) if grant.role == Role.LOCAL_ADMIN]
            cached = Reach(everything=False, organisation_ids=subtree_ids(roots) if roots else frozenset())
        user._insyn_admin_reach = cached  # type: ignore[attr-defined]
    return cached


def review_reach_of(user: User) -> Reach:
    """Where `user` may review access: everywhere for a system administrator; otherwise the
    subtree of the municipality of each grant that carries the access review (an auditor of
    Lerum sees Lerum and its units; a local administrator their own subtree)."""
    if is_system_admin(user):
        return Reach(everything=True, organisation_ids=frozenset())
    from .roles import ROLE_PERMISSIONS

    roots: list[int] = []
    for grant in grants_of(user):
        if Permission.ACCESS_REVIEW_VIEW not in ROLE_PERMISSIONS[grant.role]:
            continue
        if grant.role == Role.LOCAL_ADMIN:
            roots.append(grant.organisation.pk)
        else:
            roots.append((grant.municipality or grant.organisation).pk)
    return Reach(everything=False, organisation_ids=subtree_ids(roots) if roots else frozenset())


def _grants_in_order() -> QuerySet[RoleGrant]:
    return RoleGrant.objects.select_related("organisation", "granted_by").order_by("organisation__name", "role")


def managed_users(actor: User) -> QuerySet[User]:
    """The users `actor` administers. A local administrator reaches a user whose every grant (past,
    present or future) lies inside their subtree and who holds at least one there, or who holds
    none yet and was invited from inside it. Nobody but a system administrator reaches a holder of
    the system administrator or the local administrator role: otherwise one local administrator
    could make a second account an administrator and, through it, grant themselves anything or
    remove their colleague."""
    reach = admin_reach_of(actor)
    users = User.objects.select_related("home_organisation").prefetch_related(
        Prefetch("role_grants", queryset=_grants_in_order())
    )
    if reach.everything:
        return users.order_by("username")
    ids = list(reach.organisation_ids)
    grants = RoleGrant.objects.filter(user=OuterRef("pk"))
    return users.filter(
        ~Exists(grants.exclude(organisation_id__in=ids)),
        ~Exists(grants.filter(role__in=[Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN])),
        Exists(grants.filter(organisation_id__in=ids)) | Q(home_organisation_id__in=ids),
    ).order_by("username")


def search_managed_users(actor: User, *, query: str = "", active: bool | None = None) -> QuerySet[User]:
    users = managed_users(actor)
    for word in query.split():
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    if active is not None:
        users = users.filter(is_active=active)
    return users


def get_user_for_admin(actor: User, username: str) -> User:
    """The user named `username` if `actor` administers them; 404 otherwise, as for anything
    outside one's reach."""
    user = managed_users(actor).filter(username__iexact=username).first()
    if user is None:
        raise Http404
    return user


def get_grant_for_admin(actor: User, grant_id: int) -> RoleGrant:
    """A grant of a user `actor` administers, at an organisation inside `actor`'s reach; 404 otherwise."""
    grant = RoleGrant.objects.select_related("user", "organisation").filter(pk=grant_id).first()
    if grant is None or not admin_reach_of(actor).covers(grant.organisation_id):
        raise Http404
    if not managed_users(actor).filter(pk=grant.user_id).exists():
        raise Http404
    return grant


def grantable_organisations(actor: User) -> QuerySet[Organisation]:
    reach = admin_reach_of(actor)
    organisations = Organisation.objects.order_by("name")
    return organisations if reach.everything else organisations.filter(pk__in=reach.organisation_ids)


def grantable_roles(actor: User) -> list[Role]:
    """Every role for a system administrator; every role but the two administrators' for a local one."""
    everything = admin_reach_of(actor).everything
    return [role for role in Role if everything or role not in (Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN)]


def grant_refusal(actor: User, *, role: Role, organisation: Organisation) -> dict[str, list[str]]:
    """What stops `actor` giving `role` at `organisation`, field by field (empty: nothing)."""
    reach = admin_reach_of(actor)
    problems: dict[str, list[str]] = {}
    if reach.everything:
        return problems
    if role == Role.SYSTEM_ADMIN:
        problems["role"] = ["Bara en systemadministratör kan ge rollen systemadministratör."]
    elif role == Role.LOCAL_ADMIN:
        problems["role"] = ["Bara en systemadministratör kan ge rollen lokal administratör."]
    if not reach.covers(organisation.pk):
        problems["organisation"] = ["Du kan bara ge roller i din egen organisation och enheterna under den."]
    return problems


def is_locked_out(user: User) -> bool:
    """True while django-axes refuses the user's password for too many failures."""
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).exists()


def live_sessions_of(user: User) -> QuerySet[UserSession]:
    """The user's sessions that still exist and have not expired, newest first."""
    live = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=timezone.now())
    return UserSession.objects.filter(Exists(live), user=user).order_by("-started_at", "-pk")


def pending_invitation_of(user: User) -> UserInvitation | None:
    """The user's newest invitation that is neither used nor expired."""
    return (
        UserInvitation.objects.filter(user=user, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def municipality_slug_of(organisation: Organisation | None) -> str:
    municipality = municipality_of(organisation) if organisation is not None else None
    return municipality.slug if municipality is not None else ""


def invitation_by_token(token: str) -> tuple[UserInvitation | None, str]:
    """The invitation a link's token opens and its state: "valid", "used", "expired" or "unknown"."""
    invitation = UserInvitation.objects.select_related("user").filter(token_digest=token_digest(token)).first()
    if invitation is None:
        return None, "unknown"
    if invitation.accepted_at is not None:
        return invitation, "used"
    if invitation.expires_at <= timezone.now() or not invitation.user.is_active:
        return invitation, "expired"
    return invitation, "valid"
