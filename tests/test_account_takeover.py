"""One person, two agencies: nothing agency B does gives access to, changes or reveals what agency
A holds (security review, issue 9). Each test here failed before the fix."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.accounts import services as account_services
from springboard.accounts.emails import invitation_url
from springboard.accounts.models import Invitation, User
from springboard.accounts.services import CODE_MAX_ATTEMPTS
from springboard.employers import services as employer_services
from springboard.employers.invitation_sheet import SheetEntry
from springboard.employers.models import Enrolment
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from springboard.tenancy.services import membership_deactivate
from tests.employer_fixtures import make_engagement
from tests.factories import AgencyWorld, World

ADDRESS = "shared.person@example.test"
NEW_PASSWORD = "a-long-and-unusual-passphrase"
_engagements = itertools.count(1)


def enrol(side: AgencyWorld, capture: Any, *, name: str, language: str) -> Enrolment:
    engagement = make_engagement(side, name=f"Engagement {next(_engagements)}")
    with capture(execute=True):
        return employer_services.candidate_enrol(
            engagement=engagement,
            cohort=None,
            actor=side.admin,
            values={
                "full_name": name,
                "email": ADDRESS,
                "phone": "",
                "employee_number": "",
                "job_title": "",
                "department": "",
                "location": "",
                "notice_date": "",
                "last_working_day": "",
                "language": language,
            },
        )


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def printed_link(side: AgencyWorld, enrolment: Enrolment, capture: Any) -> str:
    """What B's admin gets: the link on the printed day-0 sheet."""
    with capture(execute=True):
        entry: SheetEntry = employer_services.candidate_invitation_issue(
            enrolment=enrolment, actor=side.admin
        )
    return path_of(invitation_url(entry.invitation))


def emailed_link(side: AgencyWorld) -> str:
    """What the person gets in their mailbox from `side`."""
    invitation = Invitation.objects.get(
        agency=side.agency, email=ADDRESS, accepted_at=None, revoked_at=None
    )
    return path_of(invitation_url(invitation, mailbox=True))


def activation(code: str = "") -> dict[str, str]:
    data = {"full_name": "Mallory", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return {**data, "code": code} if code else data


def test_printed_link_cannot_activate_another_agencys_candidate(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    enrol(world.a, django_capture_on_commit_callbacks, name="Anna Andersen", language="da")
    in_b = enrol(world.b, django_capture_on_commit_callbacks, name="Anna B", language="nb")
    link = printed_link(world.b, in_b, django_capture_on_commit_callbacks)

    attacker = Client()
    page = attacker.get(link)
    assert page.status_code == 200
    assert "E-mail me a code" in page.text
    refused = attacker.post(link, activation())
    assert refused.status_code == 200
    refused = attacker.post(link, activation(code="000000"))
    assert refused.status_code == 200
    user = User.objects.get(email=ADDRESS)
    assert not user.has_usable_password()
    assert attacker.get(reverse("home:agency", args=[world.a.agency.slug])).status_code == 302
    # The real person's link from A still works.
    person = Client()
    response = person.post(emailed_link(world.a), activation() | {"full_name": "Anna"})
    assert response.status_code == 302
    assert person.get(reverse("home:agency", args=[world.a.agency.slug])).status_code == 200


def test_code_e_mailed_to_the_address_activates_from_a_printed_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    in_b = enrol(world.b, django_capture_on_commit_callbacks, name="Anna B", language="nb")
    link = printed_link(world.b, in_b, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link, {"send_code": "1"}).status_code == 302
    assert mail.outbox[0].to == [ADDRESS]
    match = re.search(r"\b(\d{6})\b", str(mail.outbox[0].body))
    assert match is not None
    response = client.post(link, activation(code=match.group(1)))
    assert response.status_code == 302
    assert User.objects.get(email=ADDRESS).has_usable_password()


def test_code_guessing_is_bounded(world: World, django_capture_on_commit_callbacks: Any) -> None:
    in_b = enrol(world.b, django_capture_on_commit_callbacks, name="Anna B", language="nb")
    link = printed_link(world.b, in_b, django_capture_on_commit_callbacks)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"send_code": "1"})
    match = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert match is not None
    code = match.group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(CODE_MAX_ATTEMPTS):
        assert client.post(link, activation(code=wrong)).status_code == 200
    # Even the right code no longer works once the attempts are used up.
    assert client.post(link, activation(code=code)).status_code == 200
    assert not User.objects.get(email=ADDRESS).has_usable_password()


@pytest.mark.parametrize("first", ["a", "b"])
def test_enrolment_elsewhere_changes_nothing_here(
    world: World, django_capture_on_commit_callbacks: Any, first: str
) -> None:
    sides = [world.a, world.b] if first == "a" else [world.b, world.a]
    names = {world.a.agency.pk: ("Anna Andersen", "da"), world.b.agency.pk: ("A. B-name", "nb")}
    for side in sides:
        name, language = names[side.agency.pk]
        enrol(side, django_capture_on_commit_callbacks, name=name, language=language)
    for side in sides:
        name, language = names[side.agency.pk]
        membership = Membership.objects.get(agency=side.agency, user__email=ADDRESS)
        assert (membership.full_name, membership.language) == (name, language)
        # Each agency e-mailed its own invitation, in its own language and name.
        invitation = Invitation.objects.get(agency=side.agency, email=ADDRESS)
        assert (invitation.full_name, invitation.language) == (name, language)
    # Re-enrolling in B with another name changes B's name only.
    enrol(world.b, django_capture_on_commit_callbacks, name="Changed", language="en")
    in_a = Membership.objects.get(agency=world.a.agency, user__email=ADDRESS)
    assert (in_a.full_name, in_a.language) == names[world.a.agency.pk]
    assert User.objects.get(email=ADDRESS).full_name == ""


def test_enrolment_does_not_reveal_an_account_elsewhere(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    enrol(world.a, django_capture_on_commit_callbacks, name="Anna Andersen", language="da")
    Client().post(emailed_link(world.a), activation() | {"full_name": "Anna Andersen"})
    mail.outbox.clear()
    # B enrols the same address: B's invitation goes out exactly as for an unknown address...
    in_b = enrol(world.b, django_capture_on_commit_callbacks, name="Unknown To B", language="nb")
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    # ...and B's admin can print it; nothing answers with A's name or "already signed in".
    client.force_login(world.b.admin.user)
    url = reverse("employers:enrolment_invitation", args=[world.b.agency.slug, in_b.public_id])
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    page = client.get(
        reverse(
            "employers:engagement_detail", args=[world.b.agency.slug, in_b.engagement.public_id]
        )
    )
    assert "Anna Andersen" not in page.text
    assert "signed in" not in page.text


def test_enrol_page_tells_the_truth_when_an_invitation_expired(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    first = enrol(world.a, django_capture_on_commit_callbacks, name="Anna", language="da")
    Invitation.objects.filter(agency=world.a.agency, email=ADDRESS).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    mail.outbox.clear()
    # Enrolled into a second engagement of the same agency: the expired link is replaced.
    enrol(world.a, django_capture_on_commit_callbacks, name="Anna", language="da")
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    open_ones = Invitation.objects.filter(agency=world.a.agency, email=ADDRESS, revoked_at=None)
    assert open_ones.count() == 1
    assert open_ones.get().expires_at > timezone.now()
    assert first.candidate.joined_at is None


def test_deactivation_closes_open_invitations(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    enrolment = enrol(world.a, django_capture_on_commit_callbacks, name="Anna", language="da")
    link = emailed_link(world.a)
    membership_deactivate(membership=enrolment.candidate, actor=world.a.admin)
    response = Client().post(link, activation())
    assert response.status_code == 410
    membership = Membership.objects.get(pk=enrolment.candidate.pk)
    assert not membership.is_active


def test_an_invitation_older_than_the_deactivation_cannot_reactivate(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    enrolment = enrol(world.a, django_capture_on_commit_callbacks, name="Anna", language="da")
    invitation = Invitation.objects.get(agency=world.a.agency, email=ADDRESS)
    Membership.objects.filter(pk=enrolment.candidate.pk).update(
        is_active=False, deactivated_at=timezone.now()
    )
    with pytest.raises(account_services.DomainError):
        account_services.invitation_accept(
            invitation=invitation,
            user=None,
            full_name="Anna",
            password=NEW_PASSWORD,
            mailbox_proven=True,
        )
    assert not Membership.objects.get(pk=enrolment.candidate.pk).is_active


def _coach_invitation(world: World, capture: Any) -> Invitation:
    with capture(execute=True):
        return account_services.invitation_create(
            agency=world.a.agency,
            actor=world.a.admin.user,
            email="coach.to.be@example.test",
            role=Role.COACH,
        )


def test_admin_revokes_a_pending_invitation_on_the_members_page(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _coach_invitation(world, django_capture_on_commit_callbacks)
    client.force_login(world.a.admin.user)
    members = client.get(reverse("tenancy:members", args=[world.a.agency.slug]))
    assert "coach.to.be@example.test" in members.text
    revoke = reverse("tenancy:invitation_revoke", args=[world.a.agency.slug, invitation.public_id])
    assert client.post(revoke).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    after = client.get(reverse("tenancy:members", args=[world.a.agency.slug]))
    assert list(after.context["invitations"]) == []
    link = path_of(invitation_url(invitation, mailbox=True))
    assert Client().get(link).status_code == 410


def test_admin_revokes_through_the_api(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _coach_invitation(world, django_capture_on_commit_callbacks)
    client.force_login(world.a.admin.user)
    listed = client.get(f"/api/v1/a/{world.a.agency.slug}/invitations")
    assert listed.status_code == 200
    assert [item["email"] for item in listed.json()] == ["coach.to.be@example.test"]
    other = client.post(
        f"/api/v1/a/{world.b.agency.slug}/invitations/{invitation.public_id}/revoke"
    )
    assert other.status_code == 404
    response = client.post(
        f"/api/v1/a/{world.a.agency.slug}/invitations/{invitation.public_id}/revoke"
    )
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert client.get(f"/api/v1/a/{world.a.agency.slug}/invitations").json() == []
