"""Invitations: sent as a task after commit, single use, expiring, bound to their agency."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.accounts.emails import invitation_url
from springboard.accounts.models import Invitation, User
from springboard.accounts.services import invitation_create
from springboard.accounts.tokens import invitation_token
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import PASSWORD, World, make_user

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _invite(world: World, django_capture_on_commit_callbacks: Any, **extra: Any) -> Invitation:
    with django_capture_on_commit_callbacks(execute=True):
        return invitation_create(
            agency=world.a.agency,
            actor=world.a.admin.user,
            email=extra.pop("email", "new.coach@example.test"),
            role=extra.pop("role", Role.COACH),
            **extra,
        )


def _accept_url(invitation: Invitation, slug: str | None = None, *, mailbox: bool = True) -> str:
    """The link as e-mailed (mailbox=True) or as printed on the day-0 sheet."""
    token = invitation_token(
        key=invitation.key, agency_slug=invitation.agency.slug, mailbox=mailbox
    )
    return reverse(
        "accounts:invitation_accept",
        kwargs={"agency_slug": slug or invitation.agency.slug, "token": token},
    )


def test_admin_invites_through_the_form(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.a.admin.user)
    url = reverse("tenancy:member_invite", kwargs={"agency_slug": world.a.agency.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "Hr.Person@Example.test",
                "role": Role.EMPLOYER_CONTACT,
                "employer": str(world.a.employer.public_id),
                "language": "da",
                "agency": str(world.b.agency.pk),
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.agency == world.a.agency
    assert invitation.email == "hr.person@example.test"
    assert invitation.employer == world.a.employer
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hr.person@example.test"]
    assert invitation_url(invitation, mailbox=True) in mail.outbox[0].body
    assert "Springboard" in mail.outbox[0].subject


def test_invite_form_requires_employer_for_contacts(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    url = reverse("tenancy:member_invite", kwargs={"agency_slug": world.a.agency.slug})
    response = client.post(
        url, {"email": "x@example.test", "role": Role.EMPLOYER_CONTACT, "language": "en"}
    )
    assert response.status_code == 200
    assert "employer" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_invitation_creates_account_once(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(world, django_capture_on_commit_callbacks)
    url = _accept_url(invitation)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "New Coach",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": Role.ADMIN,
            "agency": str(world.b.agency.pk),
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.coach@example.test")
    membership = Membership.objects.get(user=user)
    assert (membership.agency, membership.role) == (world.a.agency, Role.COACH)

    second = Client().post(
        url, {"full_name": "Again", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert second.status_code == 410
    assert Membership.objects.filter(user=user).count() == 1


def test_token_is_bound_to_its_agency(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(world, django_capture_on_commit_callbacks)
    assert client.get(_accept_url(invitation, slug=world.b.agency.slug)).status_code == 404
    forged = reverse(
        "accounts:invitation_accept",
        kwargs={"agency_slug": world.a.agency.slug, "token": "not-a-signed-token"},
    )
    assert client.get(forged).status_code == 404


def test_expired_and_replaced_invitations_are_closed(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    first = _invite(world, django_capture_on_commit_callbacks)
    second = _invite(world, django_capture_on_commit_callbacks)
    assert client.get(_accept_url(first)).status_code == 410
    Invitation.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(_accept_url(second)).status_code == 410


def test_weak_password_is_refused_with_a_message(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(world, django_capture_on_commit_callbacks)
    response = client.post(
        _accept_url(invitation),
        {"full_name": "X", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email=invitation.email).exists()


def test_existing_user_joins_a_second_agency(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    freelancer = world.b.coach.user
    invitation = _invite(world, django_capture_on_commit_callbacks, email=freelancer.email)
    anonymous = Client().get(_accept_url(invitation))
    assert anonymous.context["existing_account"] is True
    client.force_login(freelancer)
    assert client.post(_accept_url(invitation)).status_code == 302
    assert Membership.objects.filter(user=freelancer, is_active=True).count() == 2
    # With two agencies, the home page lets the person choose.
    assert client.get(reverse("home"))["Location"] == reverse("agencies:list")


def test_signed_in_as_someone_else_cannot_accept(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(world, django_capture_on_commit_callbacks)
    client.force_login(world.b.candidate.user)
    client.post(_accept_url(invitation))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize("known", [True, False])
def test_invite_response_does_not_reveal_existing_accounts(
    world: World, client: Client, known: bool, django_capture_on_commit_callbacks: Any
) -> None:
    email = make_user(mfa=False).email if known else "nobody@example.test"
    client.force_login(world.a.admin.user)
    url = reverse("tenancy:member_invite", kwargs={"agency_slug": world.a.agency.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": email, "role": Role.COACH, "language": "en"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "tenancy:members", kwargs={"agency_slug": world.a.agency.slug}
    )
    assert len(mail.outbox) == 1
    assert PASSWORD not in mail.outbox[0].body


def test_a_retried_send_task_e_mails_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from springboard.accounts.tasks import send_invitation_email

    invitation = _invite(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    # A worker that died after sending re-runs the task; a second worker may run it too.
    send_invitation_email.call(invitation_id=str(invitation.public_id))
    send_invitation_email.call(invitation_id=str(invitation.public_id))
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None
