"""The jobs API: feed import with the command's summary shape, applications with the exact CV
version sent, the coach's audited pipeline, and another candidate's ids answering 404."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from springboard.cvs.models import Cv, CvVersion
from springboard.jobs.models import Application, Interview, TargetCompany, Vacancy
from springboard.jobs.services import application_create, offer_record
from springboard.outcomes.models import Outcome
from springboard.privacy.models import AuditEvent
from tests.factories import World, make_programme

FIXTURES = Path(__file__).parent / "fixtures" / "jobs"


def _api(world: World, path: str) -> str:
    return f"/api/v1/a/{world.a.agency.slug}/jobs/{path}"


def test_import_answers_the_summary_and_lists_vacancies(world: World, client: Client) -> None:
    client.force_login(world.a.coach.user)
    upload = SimpleUploadedFile("graph.json", (FIXTURES / "graph.json").read_bytes())
    response = client.post(_api(world, "vacancies/import"), {"file": upload})
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["duplicates"]) == (1, 0, 0, 0)
    assert {"file": "graph.json", "item": 3, "reason": "The posting has no title."} in body[
        "rejected"
    ]
    listed = client.get(_api(world, "vacancies")).json()
    assert [v["title"] for v in listed] == ["Payroll administrator"]
    assert Vacancy.objects.get().owner is None


def test_application_with_cv_version_and_the_coachs_pipeline(world: World, client: Client) -> None:
    make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    cv = Cv.objects.create(agency=world.a.agency, candidate=world.a.candidate, title="CV")
    version = CvVersion.objects.create(cv=cv, number=2, content={})
    other = application_create(owner=world.a.candidate2, title="Other", employer="Acme")
    client.force_login(world.a.candidate.user)
    created = client.post(
        _api(world, "applications"),
        {"title": "Clerk", "employer": "Acme"},
        content_type="application/json",
    )
    assert created.status_code == 201
    application_id = created.json()["id"]
    moved = client.post(
        _api(world, f"applications/{application_id}/status"),
        {"status": "applied", "cv_version": str(version.public_id)},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["cv_version"] == str(version.public_id)
    assert [s["status"] for s in moved.json()["stages"]] == ["saved", "applied"]
    refused = client.post(
        _api(world, f"applications/{application_id}/status"),
        {"status": "closed"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert client.get(_api(world, f"applications/{other.public_id}")).status_code == 404

    client.force_login(world.a.coach.user)
    pipeline = client.get(_api(world, f"candidates/{world.a.candidate.public_id}/pipeline"))
    assert pipeline.status_code == 200
    assert pipeline.json()["applied"] == 1
    assert AuditEvent.objects.filter(action="jobs.pipeline.read").exists()
    assert Application.objects.filter(owner=world.a.candidate).count() == 1


def test_interview_outcome_feeds_the_application(world: World, client: Client) -> None:
    application = application_create(owner=world.a.candidate, title="Clerk", employer="Acme")
    interview = Interview.objects.create(application=application, starts_at=timezone.now())
    client.force_login(world.a.candidate.user)
    url = _api(world, f"interviews/{interview.public_id}/outcome")
    assert (
        client.post(url, {"outcome": "maybe"}, content_type="application/json").status_code == 422
    )
    answered = client.post(url, {"outcome": "offer"}, content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["status"] == "offer"
    assert answered.json()["interviews"][0]["outcome"] == "offer"
    rejected = client.post(url, {"outcome": "rejected"}, content_type="application/json")
    assert (rejected.json()["status"], rejected.json()["loss_reason"]) == ("closed", "rejected")

    client.force_login(world.a.candidate2.user)
    other = client.post(url, {"outcome": "next_round"}, content_type="application/json")
    assert other.status_code == 404
    interview.refresh_from_db()
    assert interview.outcome == "rejected"


def test_offer_acceptance_proposes_the_programmes_outcome(world: World, client: Client) -> None:
    programme = make_programme(
        world.a, candidate=world.a.candidate, start_date=datetime.date(2026, 1, 5)
    )
    application = application_create(owner=world.a.candidate, title="Clerk", employer="Acme")
    offer = offer_record(
        application=application,
        contract_type="permanent",
        hours_per_week=Decimal(32),
        start_date=datetime.date(2027, 3, 1),
    )
    client.force_login(world.a.candidate2.user)
    assert client.post(_api(world, f"offers/{offer.public_id}/accept")).status_code == 404
    client.force_login(world.a.candidate.user)
    accepted = client.post(_api(world, f"offers/{offer.public_id}/accept"))
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    outcome = Outcome.objects.get(programme=programme)
    assert (outcome.kind, outcome.employer_name, outcome.start_date) == (
        "new_job",
        "Acme",
        datetime.date(2027, 3, 1),
    )


def test_target_companies_list_create_delete(world: World, client: Client) -> None:
    Vacancy.objects.create(
        agency=world.a.agency,
        title="Bookkeeper",
        employer="Acme Group",
        source="manual",
        duplicate_key="acme|bookkeeper|",
    )
    theirs = TargetCompany.objects.create(owner=world.a.candidate2, name="Canary Ltd")
    client.force_login(world.a.candidate.user)
    created = client.post(
        _api(world, "targets"),
        {"name": "  Acme  ", "sector": "Retail", "size": "large"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["name"] == "Acme"
    assert [v["title"] for v in created.json()["vacancies"]] == ["Bookkeeper"]
    again = client.post(_api(world, "targets"), {"name": "ACME"}, content_type="application/json")
    assert (again.status_code, again.json()["field"]) == (400, "name")
    bad_size = client.post(
        _api(world, "targets"), {"name": "Other", "size": "huge"}, content_type="application/json"
    )
    assert bad_size.status_code == 422
    listed = client.get(_api(world, "targets")).json()
    assert [(t["name"], t["size"]) for t in listed] == [("Acme", "large")]

    assert client.delete(_api(world, f"targets/{theirs.public_id}")).status_code == 404
    target_id = created.json()["id"]
    assert client.delete(_api(world, f"targets/{target_id}")).status_code == 204
    assert client.get(_api(world, "targets")).json() == []
    assert TargetCompany.objects.filter(pk=theirs.pk).exists()


def test_saved_searches_over_the_api(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    created = client.post(
        _api(world, "searches"),
        {"name": "Clerk jobs", "q": "clerk", "digest": "weekly"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert (created.json()["q"], created.json()["digest"]) == ("clerk", "weekly")
    blank = client.post(_api(world, "searches"), {"name": "  "}, content_type="application/json")
    assert (blank.status_code, blank.json()["field"]) == (400, "name")
    search_id = created.json()["id"]
    switched = client.post(
        _api(world, f"searches/{search_id}/digest"),
        {"digest": "off"},
        content_type="application/json",
    )
    assert switched.json()["digest"] == "off"
    client.force_login(world.a.candidate2.user)
    assert client.get(_api(world, "searches")).json() == []
    assert client.delete(_api(world, f"searches/{search_id}")).status_code == 404
    client.force_login(world.a.candidate.user)
    assert client.delete(_api(world, f"searches/{search_id}")).status_code == 204
    assert client.get(_api(world, "searches")).json() == []
