"""The administrator's pages for the organisation's identity provider: who is linked, linking
a person's identifier to their account, and the switch for local passwords."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.forms import submit_form
from insyn.errors import ValidationFailed

from .forms import LinkForm, PasswordSwitchForm
from .models import ExternalIdentity, IdentityProvider
from .selectors import get_provider_for_user, identities_of, providers_for_user, user_linkable
from .services import external_identity_link, identity_provider_update


@page(Permission.USERS_MANAGE)
def provider_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sso/provider_list.html", {"providers": providers_for_user(current_user(request))})


def _detail(request: HttpRequest, provider: IdentityProvider, link_form: LinkForm) -> HttpResponse:
    switch = PasswordSwitchForm(
        initial={"local_passwords_allowed": "on" if provider.local_passwords_allowed else "off"}
    )
    return render(
        request,
        "sso/provider_detail.html",
        {"provider": provider, "identities": identities_of(provider), "form": link_form, "switch": switch},
    )


@page(Permission.USERS_MANAGE)
def provider_detail(request: HttpRequest, provider_slug: str) -> HttpResponse:
    """The provider and its linked people; a POST links one more."""
    actor = current_user(request)
    provider = get_provider_for_user(actor, provider_slug)
    form = LinkForm(request.POST or None)
    if request.method == "POST":

        def link() -> ExternalIdentity:
            user = user_linkable(provider, form.cleaned_data["username"].strip())
            if user is None:
                message = _("Det finns ingen användare med det namnet som bara har uppdrag inom %(org)s.") % {
                    "org": provider.organisation.name
                }
                raise ValidationFailed(message, fields={"username": [message]})
            return external_identity_link(
                actor=actor,
                provider=provider,
                subject=form.cleaned_data["subject"],
                user=user,
                context=audit_context(request),
            )

        if submit_form(form, link).saved:
            messages.success(request, _("Identiteten är kopplad."))
            return redirect("sso:provider_detail", provider_slug=provider.slug)
    return _detail(request, provider, form)


@page(Permission.USERS_MANAGE)
def provider_passwords(request: HttpRequest, provider_slug: str) -> HttpResponse:
    actor = current_user(request)
    # The provider first: someone it does not belong to gets 404 whatever the method.
    provider = get_provider_for_user(actor, provider_slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PasswordSwitchForm(request.POST)
    if form.is_valid():
        identity_provider_update(
            actor=actor,
            provider=provider,
            local_passwords_allowed=form.cleaned_data["local_passwords_allowed"],
            context=audit_context(request),
        )
        messages.success(request, _("Inställningen är sparad."))
    else:
        messages.error(request, _("Välj om lokala lösenord tillåts."))
    return redirect("sso:provider_detail", provider_slug=provider.slug)
