"""An employer contact sees their own employer's cohorts' preparation checklists (no names) and
ticks the employer's steps, not the agency's; another employer's cohort is a 404 (issue 11)."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from springboard.employers.models import ChecklistOwner, Cohort, CohortTask, Enrolment
from springboard.tenancy.roles import Role
from tests.employer_fixtures import make_cohort, make_engagement
from tests.factories import World, make_employer, make_member


def _cohort(world: World) -> Cohort:
    cohort = make_cohort(make_engagement(world.a))
    CohortTask.objects.create(
        cohort=cohort,
        title="Brief the managers",
        owner_side=ChecklistOwner.EMPLOYER,
        due_date=date(2026, 2, 20),
    )
    CohortTask.objects.create(
        cohort=cohort,
        title="Book the rooms",
        owner_side=ChecklistOwner.AGENCY,
        due_date=date(2026, 2, 21),
    )
    person = make_member(world.a.agency, Role.CANDIDATE)
    person.full_name = "Secret Person"
    person.save(update_fields=["full_name"])
    Enrolment.objects.create(
        agency=world.a.agency, engagement=cohort.engagement, cohort=cohort, candidate=person
    )
    return cohort


def _url(name: str, world: World, public_id: object) -> str:
    return reverse(name, kwargs={"agency_slug": world.a.agency.slug, "public_id": public_id})


def test_contact_sees_the_checklist_and_ticks_the_employers_step(
    world: World, client: Client
) -> None:
    cohort = _cohort(world)
    employer_step = cohort.tasks.get(owner_side=ChecklistOwner.EMPLOYER)
    agency_step = cohort.tasks.get(owner_side=ChecklistOwner.AGENCY)
    client.force_login(world.a.contact.user)

    listing = client.get(reverse("employers:contact_cohorts", args=[world.a.agency.slug]))
    assert listing.status_code == 200
    assert _url("employers:cohort_detail", world, cohort.public_id) in listing.text

    page = client.get(_url("employers:cohort_detail", world, cohort.public_id))
    assert page.status_code == 200
    assert "Brief the managers" in page.text
    assert "Book the rooms" in page.text
    assert "Secret Person" not in page.text  # aggregates only: no names
    assert _url("employers:cohort_task_toggle", world, employer_step.public_id) in page.text
    assert _url("employers:cohort_task_toggle", world, agency_step.public_id) not in page.text

    ticked = client.post(
        _url("employers:cohort_task_toggle", world, employer_step.public_id),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert ticked.status_code == 200
    employer_step.refresh_from_db()
    assert employer_step.done_at is not None

    refused = client.post(
        _url("employers:cohort_task_toggle", world, agency_step.public_id), {"done": "1"}
    )
    assert refused.status_code == 403
    agency_step.refresh_from_db()
    assert agency_step.done_at is None


def test_another_employers_cohort_is_not_found(world: World, client: Client) -> None:
    cohort = _cohort(world)
    step = cohort.tasks.get(owner_side=ChecklistOwner.EMPLOYER)
    other_employer = make_employer(world.a.agency, "Other Ltd")
    other_contact = make_member(world.a.agency, Role.EMPLOYER_CONTACT, employer=other_employer)
    client.force_login(other_contact.user)
    assert client.get(_url("employers:cohort_detail", world, cohort.public_id)).status_code == 404
    toggle = _url("employers:cohort_task_toggle", world, step.public_id)
    assert client.post(toggle, {"done": "1"}).status_code == 404
    step.refresh_from_db()
    assert step.done_at is None
    listing = client.get(reverse("employers:contact_cohorts", args=[world.a.agency.slug]))
    assert cohort.name not in listing.text
