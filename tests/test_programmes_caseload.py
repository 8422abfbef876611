"""The coach's caseload: own candidates only, risk flags, sorting, filters, constant queries."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from springboard.accounts.models import User
from springboard.employers.models import Engagement, Enrolment
from springboard.programmes.models import (
    PlanItem,
    PlanItemKind,
    Programme,
    WellbeingCheckIn,
)
from springboard.programmes.services import (
    intake_complete,
    programme_assign_coaches,
    wellbeing_consent_give,
)
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import AgencyWorld, World, make_programme
from tests.test_programmes_templates import answers


def _bulk_caseload(side: AgencyWorld, count: int) -> list[Programme]:
    """`count` programmes of new candidates assigned to side.coach, some with overdue tasks."""
    version = make_programme(side).template_version  # loads templates; one programme exists
    engagement = Engagement.objects.get(agency=side.agency, name="Programme engagement")
    users = User.objects.bulk_create(
        User(email=f"bulk{n}-{side.agency.slug}@example.test", full_name=f"Bulk {n:03}")
        for n in range(count - 1)
    )
    members = Membership.objects.bulk_create(
        Membership(agency=side.agency, user=user, role=Role.CANDIDATE, full_name=user.full_name)
        for user in users
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(agency=side.agency, engagement=engagement, candidate=member) for member in members
    )
    today = timezone.localdate()
    programmes = Programme.objects.bulk_create(
        Programme(
            agency=side.agency,
            enrolment=enrolment,
            candidate=enrolment.candidate,
            template_version=version,
            start_date=today - datetime.timedelta(days=n % 40),
            planned_end_date=today + datetime.timedelta(days=20 + n),
            status="active",
        )
        for n, enrolment in enumerate(enrolments)
    )
    Programme.coaches.through.objects.bulk_create(
        Programme.coaches.through(programme_id=p.pk, membership_id=side.coach.pk)
        for p in programmes
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            programme=p,
            kind=PlanItemKind.TASK,
            title="Late task",
            due_date=today - datetime.timedelta(days=3),
        )
        for p in programmes[::3]
    )
    return list(Programme.objects.filter(agency=side.agency))


def _home(side: AgencyWorld) -> str:
    return reverse("home:agency", kwargs={"agency_slug": side.agency.slug})


def _caseload(side: AgencyWorld) -> str:
    return reverse("programmes:caseload", kwargs={"agency_slug": side.agency.slug})


@pytest.mark.parametrize("page", ["home", "caseload"])
def test_same_number_of_queries_for_10_or_200_candidates(world: World, page: str) -> None:
    def count_queries(side: AgencyWorld, size: int) -> int:
        _bulk_caseload(side, size)
        client = Client()
        client.force_login(side.coach.user)
        url = _home(side) if page == "home" else _caseload(side) + "?sort=overdue&risk=on"
        client.get(url)  # warm up: session, content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.text.count("<tr>") >= min(size, 10)
        return len(queries)

    assert count_queries(world.a, 10) == count_queries(world.b, 200)


def test_coach_sees_only_assigned_candidates(world: World, client: Client) -> None:
    mine = make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    theirs = make_programme(world.a, candidate=world.a.candidate2, coaches=[world.a.coach2])
    client.force_login(world.a.coach.user)
    page = client.get(_home(world.a))
    assert mine.candidate.display_name in page.text
    assert theirs.candidate.display_name not in page.text
    detail = reverse(
        "programmes:detail",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": theirs.public_id},
    )
    assert client.get(detail).status_code == 404


def test_reassignment_takes_effect_on_the_next_request(world: World, client: Client) -> None:
    programme = make_programme(world.a, coaches=[world.a.coach])
    detail = reverse(
        "programmes:detail",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    client.force_login(world.a.coach.user)
    assert client.get(detail).status_code == 200
    programme_assign_coaches(programme=programme, actor=world.a.admin, coaches=[world.a.coach2])
    assert client.get(detail).status_code == 404
    other = Client()
    other.force_login(world.a.coach2.user)
    assert other.get(detail).status_code == 200


def test_admin_assigns_coaches_through_the_page(world: World, client: Client) -> None:
    programme = make_programme(world.a, coaches=[world.a.coach])
    client.force_login(world.a.admin.user)
    url = reverse(
        "programmes:coaches",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    response = client.post(url, {"coaches": [str(world.a.coach2.public_id)]})
    assert response.status_code == 302
    assert list(programme.coaches.all()) == [world.a.coach2]
    # Another agency's coach is not a valid choice.
    response = client.post(url, {"coaches": [str(world.b.coach.public_id)]})
    assert response.status_code == 200
    assert list(programme.coaches.all()) == [world.a.coach2]


def test_risk_flags_inactive_overdue_end_near_and_low_wellbeing(
    world: World, client: Client
) -> None:
    today = timezone.localdate()
    inactive = make_programme(world.a, start_date=today - datetime.timedelta(days=30))
    intake_complete(programme=inactive, actor=world.a.coach, answers=answers(), language="en")
    PlanItem.objects.filter(programme=inactive, kind="task").update(
        due_date=today - datetime.timedelta(days=2)
    )
    Programme.objects.filter(pk=inactive.pk).update(
        planned_end_date=today + datetime.timedelta(days=10)
    )
    consent = wellbeing_consent_give(programme=inactive, actor=inactive.candidate)
    WellbeingCheckIn.objects.create(
        programme=inactive,
        consent=consent,
        week=today - datetime.timedelta(days=today.weekday()),
        mood=1,
        energy=2,
        confidence=2,
        is_low=True,
    )
    fine = make_programme(world.a, candidate=world.a.candidate2)
    fine.candidate.user.last_login = timezone.now()
    fine.candidate.user.save(update_fields=["last_login"])

    client.force_login(world.a.coach.user)
    page = client.get(_caseload(world.a))
    for flag in ("No login for 14 days", "Overdue tasks", "End near, not placed", "Low wellbeing"):
        assert flag in page.text
    risky = client.get(_caseload(world.a) + "?risk=on")
    assert inactive.candidate.display_name in risky.text
    assert fine.candidate.display_name not in risky.text

    # An admin sees the caseload, but nothing derived from wellbeing answers.
    client.force_login(world.a.admin.user)
    admin_page = client.get(_caseload(world.a))
    assert "No login for 14 days" in admin_page.text
    assert "Low wellbeing" not in admin_page.text


def test_sorting_and_search(world: World, client: Client) -> None:
    _bulk_caseload(world.a, 12)
    client.force_login(world.a.coach.user)
    ascending = client.get(_caseload(world.a) + "?sort=name").text
    descending = client.get(_caseload(world.a) + "?sort=-name").text
    assert ascending.index("Bulk 000") < ascending.index("Bulk 010")
    assert descending.index("Bulk 010") < descending.index("Bulk 000")
    found = client.get(_caseload(world.a) + "?q=Bulk+007").text
    assert "Bulk 007" in found
    assert "Bulk 008" not in found
    partial = client.get(_caseload(world.a) + "?sort=overdue", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="caseload-table"')
    # An unknown sort key falls back to the name order; nothing typed reaches order_by().
    assert client.get(_caseload(world.a) + "?sort=candidate__user__password").status_code == 200


def test_caseload_is_closed_to_candidates_and_employer_contacts(
    world: World, client: Client
) -> None:
    for member in (world.a.candidate, world.a.contact):
        client.force_login(member.user)
        assert client.get(_caseload(world.a)).status_code == 403


@override_settings(DEMO_MODE=True)
def test_demo_data_gives_coaches_a_caseload_with_a_risk_flag(client: Client, db: None) -> None:
    call_command("demo-data", stdout=StringIO())
    call_command("demo-data", stdout=StringIO())  # idempotent: no second programme
    assert Programme.objects.count() == 5
    ingrid = Membership.objects.get(user__email="coach.ingrid@nordlys.example")
    client.force_login(ingrid.user)
    page = client.get(reverse("programmes:caseload", args=["nordlys"]) + "?risk=on")
    assert "Ole Hansen" in page.text
    assert "Mette Jensen" not in page.text
