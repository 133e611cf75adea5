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
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of

from .models import RoleGrant, User, UserInvitation, UserSession
from .roles import Permission, Role
from .selectors import grants_of, requires_second_factor


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
    roots = review_roots_of(user)
    if roots is None:
        return Reach(everything=True, organisation_ids=frozenset())
    ids = [root.pk for root in roots]
    return Reach(everything=False, organisation_ids=subtree_ids(ids) if ids else frozenset())


def review_roots_of(user: User) -> list[Organisation] | None:
    """The organisations at the top of `user`'s access review, by name (None: everything)."""
    if is_system_admin(user):
        return None
    from .roles import ROLE_PERMISSIONS

    roots: dict[int, Organisation] = {}
    for grant in grants_of(user):
        if Permission.ACCESS_REVIEW_VIEW not in ROLE_PERMISSIONS[grant.role]:
            continue
        root = grant.organisation if grant.role == Role.LOCAL_ADMIN else (grant.municipality or grant.organisation)
        roots[root.pk] = root
    return sorted(roots.values(), key=lambda org: org.name)


def _grants_in_order() -> QuerySet[RoleGrant]:
    return RoleGrant.objects.select_related("organisation", "granted_by").order_by("organisation__name", "role")


def _with_invitation_state(users: QuerySet[User]) -> QuerySet[User]:
    """Annotate what account_state needs about invitations, in the same query as the users."""
    invitations = UserInvitation.objects.filter(user=OuterRef("pk"))
    newer = UserInvitation.objects.filter(user_id=OuterRef("user_id"), pk__gt=OuterRef("pk"))
    open_ = invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now()).filter(~Exists(newer))
    return users.annotate(
        invitation_sent=Exists(invitations),
        invitation_accepted=Exists(invitations.filter(accepted_at__isnull=False)),
        invitation_open=Exists(open_),
    )


def managed_users(actor: User) -> QuerySet[User]:
    """The users `actor` administers. A local administrator reaches a user whose every grant (past,
    present or future) lies inside their subtree and who holds at least one there, or who holds
    none yet and was invited from inside it. Nobody but a system administrator reaches a holder of
    the system administrator or the local administrator role: otherwise one local administrator
    could make a second account an administrator and, through it, grant themselves anything or
    remove their colleague."""
    reach = admin_reach_of(actor)
    users = _with_invitation_state(
        User.objects.select_related("home_organisation").prefetch_related(
            Prefetch("role_grants", queryset=_grants_in_order())
        )
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
        problems["role"] = [str(_("Bara en systemadministratör kan ge rollen systemadministratör."))]
    elif role == Role.LOCAL_ADMIN:
        problems["role"] = [str(_("Bara en systemadministratör kan ge rollen lokal administratör."))]
    if not reach.covers(organisation.pk):
        problems["organisation"] = [str(_("Du kan bara ge roller i din egen organisation och enheterna under den."))]
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


class AccountState:
    ACTIVE = "active"
    INACTIVE = "inactive"
    INVITED = "invited"
    INVITATION_EXPIRED = "invitation_expired"


ACCOUNT_STATE_LABELS = {
    AccountState.ACTIVE: _("Aktiv"),
    AccountState.INACTIVE: _("Inaktiverad"),
    AccountState.INVITED: _("Inbjuden, har inte svarat"),
    AccountState.INVITATION_EXPIRED: _("Inbjudan har gått ut"),
}


def account_state(user: User) -> str:
    """Active, deactivated, or invited and not yet answered (the link still open, or expired). A
    person counts as invited while they were sent a link, used none, have no password and have
    never logged in (someone who signs on through their identity provider has answered)."""
    if not user.is_active:
        return AccountState.INACTIVE
    if user.has_usable_password() or user.last_login is not None:
        return AccountState.ACTIVE
    sent = getattr(user, "invitation_sent", None)
    if sent is None:  # not annotated (a user not loaded through managed_users)
        invitations = UserInvitation.objects.filter(user=user)
        sent = invitations.exists()
        accepted = invitations.filter(accepted_at__isnull=False).exists()
        open_ = pending_invitation_of(user) is not None
    else:
        accepted, open_ = user.invitation_accepted, user.invitation_open  # type: ignore[attr-defined]
    if not sent or accepted:
        return AccountState.ACTIVE
    return AccountState.INVITED if open_ else AccountState.INVITATION_EXPIRED


def account_state_label(user: User) -> str:
    return str(ACCOUNT_STATE_LABELS[account_state(user)])


@dataclass(frozen=True)
class SessionRow:
    """A live session of a user and whether it is still at the second-factor step."""

    entry: UserSession
    awaiting_code: bool


def session_rows(user: User) -> list[SessionRow]:
    """The user's live sessions, each marked when the login has not got past the one-time code
    (the session has no verified device while the user's roles demand one)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    entries = list(live_sessions_of(user))
    if not entries or not requires_second_factor(user):
        return [SessionRow(entry=entry, awaiting_code=False) for entry in entries]
    data = {
        session.session_key: session.get_decoded()
        for session in Session.objects.filter(session_key__in=[entry.session_key for entry in entries])
    }
    return [
        SessionRow(entry=entry, awaiting_code=not data.get(entry.session_key, {}).get(DEVICE_ID_SESSION_KEY))
        for entry in entries
    ]


def pending_invitation_of(user: User) -> UserInvitation | None:
    """The user's newest invitation if it is neither used nor expired (an older one was replaced
    by it and no longer counts)."""
    newest = UserInvitation.objects.filter(user=user).order_by("-pk").first()
    if newest is None or newest.accepted_at is not None or newest.expires_at <= timezone.now():
        return None
    return newest


def has_local_admin_for(organisation: Organisation | None) -> bool:
    """True when someone holds the local administrator role at `organisation` or above it (their
    reach covers it), so a person there has a local administrator to turn to."""
    node = organisation
    ids: list[int] = []
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    if not ids:
        return False
    today = timezone.localdate()
    return (
        RoleGrant.objects.filter(role=Role.LOCAL_ADMIN, organisation_id__in=ids, user__is_active=True)
        .exclude(valid_until__lt=today)
        .exclude(valid_from__gt=today)
        .exists()
    )


def contact_advice(user: User | None) -> str:
    """Whom a person should turn to: their local administrator (or the system administrator) where
    their organisation has one, otherwise whoever runs Insyn in their municipality."""
    organisations: list[Organisation | None] = []
    if user is not None:
        grants = RoleGrant.objects.filter(user=user).select_related("organisation")
        organisations = [grant.organisation for grant in grants]
        organisations.append(user.home_organisation)
    if any(has_local_admin_for(organisation) for organisation in organisations if organisation is not None):
        return str(_("Kontakta din lokala administratör eller systemadministratören."))
    return str(_("Kontakta den som administrerar Insyn i din kommun."))


def municipality_slug_of(organisation: Organisation | None) -> str:
    municipality = municipality_of(organisation) if organisation is not None else None
    return municipality.slug if municipality is not None else ""


def is_superseded(invitation: UserInvitation) -> bool:
    """True once a newer invitation was sent to the same person (the older link stops working)."""
    return UserInvitation.objects.filter(user_id=invitation.user_id, pk__gt=invitation.pk).exists()


def invitation_by_token(token: str) -> tuple[UserInvitation | None, str]:
    """The invitation a link's token opens and its state: "valid", "used", "superseded" (a newer
    invitation was sent), "expired" or "unknown"."""
    invitation = UserInvitation.objects.select_related("user").filter(token_digest=token_digest(token)).first()
    if invitation is None:
        return None, "unknown"
    if invitation.accepted_at is not None:
        return invitation, "used"
    if is_superseded(invitation):
        return invitation, "superseded"
    if invitation.expires_at <= timezone.now() or not invitation.user.is_active:
        return invitation, "expired"
    return invitation, "valid"
