"""One consent model for every feature that asks: history and audit of each change, the
person's "My consents" page, withdrawal stopping the sharing at once in every feature, staff
seeing the state read-only, and nobody reaching another person's (or agency's) consent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from springboard.employers.consents import may_see_status
from springboard.employers.models import Enrolment, ReportingLevel
from springboard.employers.services import enrolment_set_employer_consent
from springboard.network.models import Circle
from springboard.network.services import contact_create, network_share
from springboard.privacy.consents import services
from springboard.privacy.consents.selectors import consents_of, has_consent
from springboard.privacy.consents.wording import wording_of
from springboard.privacy.models import AuditEvent
from springboard.privacy.models.consents import Consent, ConsentEvent, ConsentPurpose
from springboard.programmes.models import Programme, WellbeingCheckIn
from springboard.programmes.services import wellbeing_checkin_submit, wellbeing_consent_give
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import World, make_member, make_programme

CANARY = "Canary-Okapi-5150"
SHARE = ConsentPurpose.SHARE_NETWORK


def _mine(world: World) -> str:
    return reverse("consents:mine", kwargs={"agency_slug": world.a.agency.slug})


def _change(world: World, action: str, consent: Consent) -> str:
    return reverse(
        f"consents:{action}",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": consent.public_id},
    )


def _programme_url(name: str, programme: Programme) -> str:
    return reverse(
        name, kwargs={"agency_slug": programme.agency.slug, "public_id": programme.public_id}
    )


def _coach_network(world: World, programme: Programme) -> str:
    return reverse(
        "network:coach_contacts",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )


def _check_in(programme: Programme, candidate: Membership) -> WellbeingCheckIn:
    return wellbeing_checkin_submit(
        programme=programme, actor=candidate, mood=2, energy=3, confidence=4, comment=CANARY
    )


# --- services and history ---------------------------------------------------------------------


def test_grant_and_withdraw_keep_an_append_only_history_and_are_audited(world: World) -> None:
    candidate = world.a.candidate
    consent = services.grant(actor=candidate, purpose=SHARE)
    assert services.grant(actor=candidate, purpose=SHARE).pk == consent.pk  # no second grant
    assert has_consent(candidate, SHARE)
    assert services.withdraw(actor=candidate, purpose=SHARE) == 0
    assert not has_consent(candidate, SHARE)
    assert services.withdraw(actor=candidate, purpose=SHARE) is None  # nothing to withdraw
    services.grant(actor=candidate, purpose=SHARE)

    consent.refresh_from_db()
    assert consent.granted
    events = list(consent.events.order_by("at", "pk"))
    assert [e.kind for e in events] == ["granted", "withdrawn", "granted"]
    assert {e.actor for e in events} == {candidate.user}
    assert {e.wording_version for e in events} == {wording_of(SHARE).version}
    audits = AuditEvent.objects.filter(target_id=str(consent.public_id)).order_by("pk")
    assert [a.action for a in audits] == ["consent.grant", "consent.withdraw", "consent.grant"]
    assert {a.agency_id for a in audits} == {world.a.agency.pk}
    # The history cannot be rewritten.
    with pytest.raises(ValueError, match="append-only"):
        events[0].save()


def test_a_consent_in_one_agency_is_not_a_consent_in_another(world: World) -> None:
    # The same person is also a candidate of agency B.
    in_b = make_member(world.b.agency, Role.CANDIDATE, user=world.a.candidate.user)
    services.grant(actor=world.a.candidate, purpose=SHARE)
    assert not has_consent(in_b, SHARE)
    assert consents_of(in_b) == []
    services.grant(actor=in_b, purpose=SHARE)
    services.withdraw(actor=world.a.candidate, purpose=SHARE)
    assert has_consent(in_b, SHARE)
    consent_b = Consent.objects.get(membership=in_b)
    assert consent_b.agency_id == world.b.agency.pk


# --- "My consents" --------------------------------------------------------------------------


def test_my_consents_lists_every_consent_with_its_wording_and_history(
    world: World, client: Client
) -> None:
    candidate = world.a.candidate
    client.force_login(candidate.user)
    empty = client.get(_mine(world))
    assert "You have not been asked for any consent yet" in empty.text
    programme = make_programme(world.a)
    wellbeing_consent_give(programme=programme, actor=candidate)
    network_share(owner=candidate)
    page = client.get(_mine(world))
    assert page.status_code == 200
    assert "Wellbeing check-ins" in page.text
    assert "Showing my network to my coaches" in page.text
    assert str(wording_of(SHARE).text).replace("'", "&#x27;") in page.text
    assert page.text.count("Withdraw my consent") == 2
    assert "wording version 1" in page.text
    # Another member's consents are not on it.
    services.grant(actor=world.a.candidate2, purpose=SHARE)
    assert client.get(_mine(world)).text.count("Withdraw my consent") == 2


def test_withdrawing_on_my_consents_stops_network_sharing_at_once(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    contact_create(
        owner=a.candidate, full_name=f"{CANARY} Person", company="", circle=Circle.COLLEAGUES
    )
    consent = network_share(owner=a.candidate)
    client.force_login(a.coach.user)
    assert CANARY in client.get(_coach_network(world, programme)).text

    client.force_login(a.candidate.user)
    response = client.post(_change(world, "withdraw", consent))
    assert response.status_code == 302
    client.force_login(a.coach.user)
    assert CANARY not in client.get(_coach_network(world, programme)).text

    client.force_login(a.candidate.user)
    assert "Withdrawn" in client.get(_mine(world)).text
    client.post(_change(world, "grant", consent))
    client.force_login(a.coach.user)
    assert CANARY in client.get(_coach_network(world, programme)).text
    assert ConsentEvent.objects.filter(consent=consent).count() == 3


def test_withdrawing_wellbeing_on_my_consents_deletes_the_check_ins(
    world: World, client: Client
) -> None:
    candidate = world.a.candidate
    programme = make_programme(world.a)
    consent = wellbeing_consent_give(programme=programme, actor=candidate)
    _check_in(programme, candidate)
    client.force_login(candidate.user)
    response = client.post(_change(world, "withdraw", consent), follow=True)
    assert "1 record held under it was deleted" in response.text
    assert not WellbeingCheckIn.objects.exists()
    withdrawal = AuditEvent.objects.get(action="consent.withdraw")
    assert withdrawal.data == {"purpose": "wellbeing", "erased": 1}
    # No check-in without consent again; the check-in page asks for it again.
    assert "Give consent" in client.get(_programme_url("programmes:checkin", programme)).text
    refused = client.post(
        _programme_url("programmes:checkin", programme),
        {"mood": "3", "energy": "3", "confidence": "3"},
    )
    assert refused.status_code == 200
    assert not WellbeingCheckIn.objects.exists()


def test_withdrawing_named_reporting_hides_the_name_from_the_employer_at_once(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a)
    enrolment = Enrolment.objects.select_related("candidate", "engagement__employer").get(
        programme=programme
    )
    enrolment.engagement.reporting_level = ReportingLevel.CONSENTED_STATUS
    enrolment.engagement.save(update_fields=["reporting_level"])
    overview = reverse("programmes:employer_overview", kwargs={"agency_slug": a.agency.slug})
    client.force_login(a.contact.user)
    assert a.candidate.full_name not in client.get(overview).text

    enrolment_set_employer_consent(enrolment=enrolment, actor=a.candidate, allowed=True)
    assert a.candidate.full_name in client.get(overview).text
    consent = Consent.objects.get(purpose=ConsentPurpose.EMPLOYER_NAMED_REPORTING)
    assert consent.scope == enrolment.public_id
    assert consent.scope_label == f"{enrolment.engagement.employer.name} — Programme engagement"

    client.force_login(a.candidate.user)
    client.post(_change(world, "withdraw", consent))
    assert not may_see_status(enrolment)
    client.force_login(a.contact.user)
    assert a.candidate.full_name not in client.get(overview).text
    # The privacy page of the employers app reads the same consent.
    client.force_login(a.candidate.user)
    privacy = client.get(
        reverse("employers:candidate_privacy", kwargs={"agency_slug": a.agency.slug})
    )
    assert (
        f'value="{enrolment.public_id}" id="allow-{enrolment.public_id}" checked'
        not in privacy.text
    )


def test_nobody_changes_another_persons_or_another_agencys_consent(
    world: World, client: Client
) -> None:
    others = services.grant(actor=world.a.candidate2, purpose=SHARE)
    in_b = make_member(world.b.agency, Role.CANDIDATE, user=world.a.candidate.user)
    own_in_b = services.grant(actor=in_b, purpose=SHARE)
    client.force_login(world.a.candidate.user)
    for consent in (others, own_in_b):
        assert client.post(_change(world, "withdraw", consent)).status_code == 404
        consent.refresh_from_db()
        assert consent.granted
    assert "Withdraw my consent" not in client.get(_mine(world)).text


# --- staff see the state, read-only -----------------------------------------------------------


def test_the_coach_sees_the_candidates_consents_and_the_admin_not_the_wellbeing_one(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    wellbeing_consent_give(programme=programme, actor=a.candidate)
    network_share(owner=a.candidate)
    client.force_login(a.coach.user)
    coach_page = client.get(_programme_url("programmes:detail", programme)).text
    assert "The candidate's consents" in coach_page
    assert "Wellbeing check-ins (" in coach_page
    assert "Showing my network to my coaches" in coach_page
    client.force_login(a.admin.user)
    admin_page = client.get(_programme_url("programmes:detail", programme)).text
    assert "Showing my network to my coaches" in admin_page
    assert "Wellbeing check-ins (" not in admin_page
    # Neither can change it: no consent form on the page, and the consent URLs refuse them.
    consent = Consent.objects.get(purpose=SHARE)
    for staff in (a.coach, a.admin):
        client.force_login(staff.user)
        assert client.post(_change(world, "withdraw", consent)).status_code == 404
    assert has_consent(a.candidate, SHARE)


def test_the_admin_sees_who_lets_the_employer_see_their_status(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a)
    enrolment = Enrolment.objects.select_related("candidate", "engagement__employer").get(
        programme=programme
    )
    url = reverse(
        "employers:engagement_detail",
        kwargs={"agency_slug": a.agency.slug, "public_id": enrolment.engagement.public_id},
    )
    client.force_login(a.admin.user)
    assert "Not given" in client.get(url).text
    enrolment_set_employer_consent(enrolment=enrolment, actor=a.candidate, allowed=True)
    page: Any = client.get(url)
    assert "Not given" not in page.text
    assert "Given" in page.text
