"""User administration's rules: grant periods, the local administrator's reach, invitations,
deactivation, second factor, lockout, sessions, all audited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.admin_scope import (
    get_grant_for_admin,
    get_user_for_admin,
    invitation_by_token,
    is_locked_out,
    managed_users,
)
from apps.accounts.models import RoleGrant, User, UserInvitation
from apps.accounts.roles import Permission, Role
from apps.accounts.selectors import forget_grants, grants_of, has_permission
from apps.accounts.services import api_token_create, role_grant
from apps.accounts.services_admin import (
    grant_give,
    grant_take_away,
    invitation_accept,
    user_deactivate,
    user_invite,
    user_lockout_release,
    user_reactivate,
    user_second_factor_reset,
)
from apps.audit.context import CLI
from apps.audit.models import AuditAction, AuditEvent
from apps.organisations.models import Organisation
from insyn.errors import NotPermitted, ValidationFailed
from tests.conftest import make_user

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def admin_lerum(insjoriket) -> User:
    return make_user("admin.lerum", "local_admin", "lerum")


def _org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


@pytest.fixture
def invite(admin_lerum, django_capture_on_commit_callbacks):
    """Invite through the service; the e-mail goes when the transaction commits, so run the hooks."""

    def _invite(username: str = "nya.lerum", org: str = "lerum-activera", **extra) -> User:
        with django_capture_on_commit_callbacks(execute=True):
            return user_invite(
                actor=admin_lerum,
                username=username,
                email=f"{username}@lerum.example",
                organisation=_org(org),
                base_url="https://insyn.example/",
                **extra,
            )

    return _invite


def _link_token() -> str:
    match = re.search(r"/konto/inbjudan/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_a_grant_counts_only_inside_its_validity_period(caseworker_lerum):
    role_grant(
        user=caseworker_lerum,
        role="auditor",
        organisation_slug="lerum",
        valid_from=TODAY() + DAY,
        valid_until=TODAY() + 10 * DAY,
    )
    assert not has_permission(caseworker_lerum, Permission.AUDIT_VIEW)
    role_grant(user=caseworker_lerum, role="yearend_controller", organisation_slug="lerum", valid_until=TODAY())
    forget_grants(caseworker_lerum)
    assert has_permission(caseworker_lerum, Permission.YEAREND_EDIT)


def test_a_grant_ends_by_itself_the_day_after_its_last_day(caseworker_lerum):
    RoleGrant.objects.filter(user=caseworker_lerum).update(valid_until=TODAY() - DAY)
    forget_grants(caseworker_lerum)
    assert grants_of(caseworker_lerum) == []
    assert not has_permission(caseworker_lerum, Permission.PERSON_VIEW)


def test_an_ended_grant_can_be_given_again(caseworker_lerum):
    RoleGrant.objects.filter(user=caseworker_lerum).update(valid_until=TODAY() - DAY)
    role_grant(user=caseworker_lerum, role="executor_caseworker", organisation_slug="lerum-activera")
    assert RoleGrant.objects.get(user=caseworker_lerum).valid_until is None


def test_the_database_refuses_a_period_that_ends_before_it_starts(caseworker_lerum):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.filter(user=caseworker_lerum).update(valid_from=TODAY(), valid_until=TODAY() - DAY)


def test_the_service_refuses_a_period_that_ends_before_it_starts_in_swedish(caseworker_lerum):
    with pytest.raises(ValidationFailed) as refused:
        role_grant(
            user=caseworker_lerum,
            role="auditor",
            organisation_slug="lerum",
            valid_from=TODAY(),
            valid_until=TODAY() - DAY,
        )
    assert refused.value.fields["valid_until"] == ["Slutdatum kan inte vara före startdatum."]


def test_a_local_administrator_reaches_users_inside_their_subtree_only(
    admin_lerum, caseworker_lerum, caseworker_alingsas, system_admin
):
    reached = set(managed_users(admin_lerum).values_list("username", flat=True))
    assert "lars.lerum" in reached
    assert "ann.alingsas" not in reached and "sam.admin" not in reached
    with pytest.raises(Http404):
        get_user_for_admin(admin_lerum, "ann.alingsas")


def test_a_user_with_any_grant_outside_the_subtree_is_not_the_local_administrators(admin_lerum, caseworker_lerum):
    role_grant(user=caseworker_lerum, role="auditor", organisation_slug="alingsas")
    with pytest.raises(Http404):
        get_user_for_admin(admin_lerum, "lars.lerum")


def test_a_system_administrator_reaches_everyone(system_admin, caseworker_alingsas, caseworker_lerum):
    assert {"ann.alingsas", "lars.lerum", "sam.admin"} <= set(
        managed_users(system_admin).values_list("username", flat=True)
    )


def test_a_local_administrator_grants_only_at_their_organisation_or_below(admin_lerum, caseworker_lerum):
    with pytest.raises(ValidationFailed) as refused:
        grant_give(actor=admin_lerum, user=caseworker_lerum, role="auditor", organisation=_org("alingsas"))
    assert "organisation" in refused.value.fields
    grant = grant_give(
        actor=admin_lerum, user=caseworker_lerum, role="executor_manager", organisation=_org("lerum-activera")
    )
    assert grant.role == Role.EXECUTOR_MANAGER


def test_only_a_system_administrator_makes_a_local_administrator(admin_lerum, caseworker_lerum, system_admin):
    with pytest.raises(ValidationFailed) as refused:
        grant_give(actor=admin_lerum, user=caseworker_lerum, role="local_admin", organisation=_org("lerum-activera"))
    assert refused.value.fields["role"] == ["Bara en systemadministratör kan ge rollen lokal administratör."]
    assert grant_give(actor=system_admin, user=caseworker_lerum, role="local_admin", organisation=_org("lerum"))


def test_a_local_administrator_does_not_reach_another_local_administrator(admin_lerum, caseworker_lerum, system_admin):
    # Else a second account made administrator could grant the first one anything, or remove it.
    grant_give(actor=system_admin, user=caseworker_lerum, role="local_admin", organisation=_org("lerum-activera"))
    assert "lars.lerum" not in set(managed_users(admin_lerum).values_list("username", flat=True))
    with pytest.raises(Http404):
        get_user_for_admin(admin_lerum, "lars.lerum")
    with pytest.raises(Http404):
        get_user_for_admin(caseworker_lerum, "admin.lerum")


def test_a_local_administrator_never_gives_the_system_administrator_role(admin_lerum, caseworker_lerum):
    with pytest.raises(ValidationFailed) as refused:
        grant_give(actor=admin_lerum, user=caseworker_lerum, role="system_admin", organisation=_org("lerum"))
    assert refused.value.fields["role"] == ["Bara en systemadministratör kan ge rollen systemadministratör."]


def test_every_problem_with_a_grant_is_reported_at_once(admin_lerum, caseworker_lerum):
    with pytest.raises(ValidationFailed) as refused:
        grant_give(
            actor=admin_lerum,
            user=caseworker_lerum,
            role="system_admin",
            organisation=_org("alingsas"),
            valid_from=TODAY() + 5 * DAY,
            valid_until=TODAY() + DAY,
        )
    assert set(refused.value.fields) == {"role", "organisation", "valid_until"}


def test_granting_and_revoking_are_audited_with_the_period(admin_lerum, caseworker_lerum):
    grant = grant_give(
        actor=admin_lerum, user=caseworker_lerum, role="auditor", organisation=_org("lerum"), valid_until=TODAY() + DAY
    )
    event = AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT, actor_username="admin.lerum").get()
    assert event.details["valid_until"] == (TODAY() + DAY).isoformat()
    assert event.object_id == "lars.lerum" and event.municipality_slug == "lerum"
    grant_take_away(actor=admin_lerum, grant=get_grant_for_admin(admin_lerum, grant.pk))
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKE, object_id="lars.lerum").exists()


def test_a_grant_of_an_alingsas_user_is_out_of_a_lerum_administrators_reach(admin_lerum, caseworker_alingsas):
    with pytest.raises(Http404):
        get_grant_for_admin(admin_lerum, caseworker_alingsas.role_grants.get().pk)


def test_an_invitation_mails_a_one_time_link_and_stores_only_its_hash(invite):
    user = invite(first_name="Nora", last_name="Ny")
    assert not user.has_usable_password() and user.home_organisation == _org("lerum-activera")
    token = _link_token()
    assert mail.outbox[-1].to == ["nya.lerum@lerum.example"]
    invitation = UserInvitation.objects.get(user=user)
    assert token not in invitation.token_digest and len(invitation.token_digest) == 64
    assert AuditEvent.objects.filter(action=AuditAction.USER_INVITE, object_id="nya.lerum").exists()


def test_an_invited_user_without_grants_is_reached_by_the_inviting_organisations_administrator(
    admin_lerum, invite, caseworker_alingsas
):
    invite()
    assert get_user_for_admin(admin_lerum, "nya.lerum").username == "nya.lerum"
    alingsas_admin = make_user("admin.alingsas", "local_admin", "alingsas")
    with pytest.raises(Http404):
        get_user_for_admin(alingsas_admin, "nya.lerum")


def test_an_invitation_outside_the_reach_is_refused_with_every_problem(admin_lerum, caseworker_lerum):
    with pytest.raises(ValidationFailed) as refused:
        user_invite(
            actor=admin_lerum,
            username="lars.lerum",
            email="inte-en-adress",
            organisation=_org("alingsas"),
            base_url="https://insyn.example/",
        )
    assert set(refused.value.fields) == {"username", "email", "organisation"}


def test_accepting_an_invitation_sets_the_password_and_uses_up_the_link(invite):
    user = invite()
    token = _link_token()
    invitation, state = invitation_by_token(token)
    assert state == "valid" and invitation is not None
    invitation_accept(
        invitation=invitation,
        password="ett-langt-nytt-losenord-7",
        password_again="ett-langt-nytt-losenord-7",
        context=CLI,
    )
    user.refresh_from_db()
    assert user.check_password("ett-langt-nytt-losenord-7")
    assert invitation_by_token(token)[1] == "used"
    assert AuditEvent.objects.filter(action=AuditAction.USER_INVITATION_ACCEPT, actor_username="nya.lerum").exists()


def test_a_weak_or_mismatched_password_is_refused_with_both_problems(invite):
    invite()
    invitation, _ = invitation_by_token(_link_token())
    assert invitation is not None
    with pytest.raises(ValidationFailed) as refused:
        invitation_accept(invitation=invitation, password="kort", password_again="annat", context=CLI)
    assert set(refused.value.fields) == {"password", "password_again"}


def test_an_expired_invitation_no_longer_opens(invite):
    invite()
    token = _link_token()
    UserInvitation.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=100),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert invitation_by_token(token)[1] == "expired"
    assert invitation_by_token("nonsense")[1] == "unknown"


def test_deactivation_ends_tokens_and_reactivation_restores_the_account(admin_lerum, caseworker_lerum):
    api_token_create(user=caseworker_lerum)
    user_deactivate(actor=admin_lerum, user=caseworker_lerum, context=CLI)
    caseworker_lerum.refresh_from_db()
    assert not caseworker_lerum.is_active and not caseworker_lerum.auth_token_set.exists()
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE, object_id="lars.lerum").exists()
    user_reactivate(actor=admin_lerum, user=caseworker_lerum, context=CLI)
    caseworker_lerum.refresh_from_db()
    assert caseworker_lerum.is_active
    actions = set(AuditEvent.objects.filter(object_id="lars.lerum").values_list("action", flat=True))
    assert {AuditAction.USER_DEACTIVATE, AuditAction.USER_REACTIVATE} <= actions


def test_an_administrator_cannot_deactivate_themselves(admin_lerum):
    with pytest.raises(NotPermitted):
        user_deactivate(actor=admin_lerum, user=admin_lerum, context=CLI)


def test_resetting_the_second_factor_removes_the_devices(admin_lerum, caseworker_lerum):
    TOTPDevice.objects.create(user=caseworker_lerum, name="app", confirmed=True)
    assert user_second_factor_reset(actor=admin_lerum, user=caseworker_lerum, context=CLI) == 1
    assert not TOTPDevice.objects.filter(user=caseworker_lerum).exists()
    assert AuditEvent.objects.filter(action=AuditAction.OTP_RESET, object_id="lars.lerum").exists()


def test_releasing_a_lockout_lets_the_user_try_again(admin_lerum, caseworker_lerum, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="lars.lerum",
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/konto/logga-in/",
    )
    assert is_locked_out(caseworker_lerum)
    user_lockout_release(actor=admin_lerum, user=caseworker_lerum, context=CLI)
    assert not is_locked_out(caseworker_lerum)
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT_RELEASE, object_id="lars.lerum").exists()


def test_the_command_line_grants_a_role_with_a_period(caseworker_lerum):
    from django.core.management import call_command

    call_command("user", "grant", "lars.lerum", "--role", "auditor", "--org", "lerum", "--until", "2099-12-31")
    assert RoleGrant.objects.get(user=caseworker_lerum, role="auditor").valid_until == datetime.date(2099, 12, 31)


def test_a_login_with_the_second_factor_keeps_the_session_index_on_the_new_session(caseworker_lerum):
    from django.test import Client
    from django_otp.oath import totp

    from apps.accounts.models import UserSession
    from tests.conftest import PASSWORD

    device = TOTPDevice.objects.create(user=caseworker_lerum, name="app", confirmed=True)
    client = Client()
    client.post("/konto/logga-in/", {"username": "lars.lerum", "password": PASSWORD})
    client.post("/konto/tvafaktor/", {"token": f"{totp(device.bin_key):06d}"})
    assert list(UserSession.objects.filter(user=caseworker_lerum).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]


def test_a_superseded_invitation_cannot_set_the_password(admin_lerum, invite, django_capture_on_commit_callbacks):
    from apps.accounts.services_admin import invitation_resend

    user = invite()
    old_token = _link_token()
    old, _ = invitation_by_token(old_token)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=admin_lerum, user=user, base_url="https://insyn.example/")
    assert invitation_by_token(old_token)[1] == "superseded"
    assert invitation_by_token(_link_token())[1] == "valid"
    assert old is not None
    with pytest.raises(ValidationFailed, match="ersatts av en nyare"):
        invitation_accept(
            invitation=old,
            password="ett-langt-nytt-losenord-7",
            password_again="ett-langt-nytt-losenord-7",
            context=CLI,
        )
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_the_account_state_follows_the_invitation(invite, caseworker_lerum):
    from apps.accounts.admin_scope import AccountState, account_state

    user = invite()
    assert account_state(user) == AccountState.INVITED
    assert account_state(managed_users(user.invitations.get().created_by).get(pk=user.pk)) == AccountState.INVITED
    UserInvitation.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=100),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert account_state(user) == AccountState.INVITATION_EXPIRED
    assert account_state(caseworker_lerum) == AccountState.ACTIVE
