"""Reads about identity providers and who they let in."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import grants_of, municipalities_with
from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of

from .errors import SignOnRefused
from .models import ExternalIdentity, IdentityProvider


def active_providers() -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(active=True).select_related("organisation").order_by("display_name")


def get_active_provider(slug: str) -> IdentityProvider:
    """The provider a login starts or returns with; 404 for an unknown or switched-off one."""
    try:
        return active_providers().get(slug=slug)
    except IdentityProvider.DoesNotExist as exc:
        raise Http404 from exc


def _lies_under(organisation: Organisation, ancestor_id: int) -> bool:
    node: Organisation | None = organisation
    while node is not None:
        if node.pk == ancestor_id:
            return True
        node = node.parent
    return False


def _granted_organisations(user: User) -> list[Organisation]:
    """Where the user's grants that count today lie (accounts works out which grants count)."""
    return [grant.organisation for grant in grants_of(user)]


def linked_user(provider: IdentityProvider, subject: str) -> User:
    """The active Insyn user an administrator linked the provider's subject to."""
    if not subject:
        raise SignOnRefused("missing_identifier")
    identity = ExternalIdentity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    if identity is None:
        raise SignOnRefused("unknown_subject")
    user = identity.user
    if not user.is_active:
        raise SignOnRefused("inactive_user", username=user.get_username())
    return user


def sign_on_permitted(provider: IdentityProvider, user: User) -> None:
    """Refuse a user without grants, or whose grants all lie outside the provider's organisation."""
    organisations = _granted_organisations(user)
    if not organisations:
        raise SignOnRefused("no_grant", username=user.get_username())
    if not any(_lies_under(organisation, provider.organisation_id) for organisation in organisations):
        raise SignOnRefused("other_organisation", username=user.get_username())


def provider_demanding_sign_on(user: User) -> IdentityProvider | None:
    """The active provider of an organisation of the user's that allows no local passwords, if any."""
    refusing = list(active_providers().filter(local_passwords_allowed=False))
    if not refusing:
        return None
    for organisation in _granted_organisations(user):
        for provider in refusing:
            if _lies_under(organisation, provider.organisation_id):
                return provider
    return None


def providers_for_user(user: User) -> list[IdentityProvider]:
    """The providers of the municipalities where `user` manages users (a local or system administrator)."""
    managed = {municipality.pk for municipality in municipalities_with(user, Permission.USERS_MANAGE)}
    providers = IdentityProvider.objects.select_related("organisation__parent__parent__parent").order_by("display_name")
    return [provider for provider in providers if _municipality_id(provider) in managed]


def _municipality_id(provider: IdentityProvider) -> int | None:
    municipality = municipality_of(provider.organisation)
    return municipality.pk if municipality is not None else None


def get_provider_for_user(user: User, slug: str) -> IdentityProvider:
    """One provider its administrator may see; 404 for everyone else."""
    for provider in providers_for_user(user):
        if provider.slug == slug:
            return provider
    raise Http404


def identities_of(provider: IdentityProvider) -> QuerySet[ExternalIdentity]:
    return provider.identities.select_related("user").order_by("user__username")


def user_linkable(provider: IdentityProvider, username: str) -> User | None:
    """The user an administrator may link to the provider: every grant of theirs lies inside the
    provider's organisation, so a link never opens another organisation's account."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    organisations = _granted_organisations(user)
    if not organisations or not all(_lies_under(org, provider.organisation_id) for org in organisations):
        return None
    return user
