"""The jobs API: feed import with the command's summary shape, applications with the exact CV
version sent, the coach's audited pipeline, and another candidate's ids answering 404."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from springboard.cvs.models import Cv, CvVersion
from springboard.jobs.models import Application, Vacancy
from springboard.jobs.services import application_create
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
