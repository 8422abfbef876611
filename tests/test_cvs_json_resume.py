"""JSON Resume import and export over the API: the schema's sample round trip, partial dates,
the JSON path of every refusal, 413, and nothing created on a refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from springboard.cvs.models import Cv
from springboard.cvs.services.json_resume import ROOT_KEYS
from springboard.privacy.models import AuditEvent
from tests.factories import World, make_programme

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "node_modules" / "resume-schema"
needs_schema = pytest.mark.skipif(
    not (SCHEMA_DIR / "sample.resume.json").exists(),
    reason="resume-schema is not installed (npm install puts it in node_modules/)",
)


def _import_url(world: World, **query: str) -> str:
    url = reverse("api:cvs_import_json_resume", kwargs={"agency_slug": world.a.agency.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _export_url(world: World, cv: Cv) -> str:
    return reverse(
        "api:cvs_export_json_resume",
        kwargs={"agency_slug": world.a.agency.slug, "cv_id": cv.public_id},
    )


def _post(client: Client, url: str, body: Any) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(url, data=raw, content_type="application/json")


def _leaves(value: Any, path: str = "$") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            out |= _leaves(child, f"{path}.{key}")
        return out
    if isinstance(value, list):
        out = {}
        for index, child in enumerate(value):
            out |= _leaves(child, f"{path}[{index}]")
        return out
    return {} if value in ("", None) else {path: value}


@needs_schema
def test_sample_round_trip_keeps_every_mapped_value(world: World, client: Client) -> None:
    sample = json.loads((SCHEMA_DIR / "sample.resume.json").read_text())
    client.force_login(world.a.candidate.user)
    response = _post(client, _import_url(world, language="en"), sample)
    assert response.status_code == 201, response.content
    answer = response.json()
    not_kept = answer["not_kept"]
    assert "$.basics.image" not in not_kept  # empty in the sample: nothing lost
    assert "$.basics.profiles" in not_kept
    cv = Cv.objects.get(public_id=answer["id"])
    exported = client.get(_export_url(world, cv)).json()
    assert set(exported) <= ROOT_KEYS
    kept = {
        path: value
        for path, value in _leaves(sample).items()
        if not any(path == gone or path.startswith((gone + ".", gone + "[")) for gone in not_kept)
        and path != "$.$schema"
    }
    assert kept, "the sample maps to something"
    exported_leaves = _leaves(exported)
    assert {path: exported_leaves.get(path) for path in kept} == kept
    # Every value of the sample is either kept or named.
    for path in _leaves(sample):
        assert (
            path in kept
            or path == "$.$schema"
            or any(path == gone or path.startswith((gone + ".", gone + "[")) for gone in not_kept)
        ), path


@needs_schema
def test_export_validates_against_the_schema(world: World, client: Client) -> None:
    schema = json.loads((SCHEMA_DIR / "schema.json").read_text())
    sample = json.loads((SCHEMA_DIR / "sample.resume.json").read_text())
    client.force_login(world.a.candidate.user)
    cv_id = _post(client, _import_url(world), sample).json()["id"]
    exported = client.get(_export_url(world, Cv.objects.get(public_id=cv_id))).json()
    assert set(exported) <= set(schema["properties"])
    for key, value in exported.items():
        expected = schema["properties"][key].get("type")
        if expected == "array":
            assert isinstance(value, list)
        elif expected == "object":
            assert isinstance(value, dict)


def test_partial_dates_stay_partial(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    document = {
        "basics": {"name": "Åse Ĳzerman", "label": "Planner"},
        "work": [{"name": "Nordlager", "position": "Planner", "startDate": "2019-03"}],
        "education": [{"institution": "BI", "area": "Logistikk", "endDate": "2012"}],
    }
    answer = _post(client, _import_url(world, language="nb"), document).json()
    exported = client.get(_export_url(world, Cv.objects.get(public_id=answer["id"]))).json()
    assert exported["work"][0]["startDate"] == "2019-03"
    assert "endDate" not in exported["work"][0]
    assert exported["education"][0]["endDate"] == "2012"
    assert exported["basics"]["name"] == "Åse Ĳzerman"
    assert answer["not_kept"] == []


def _deep(levels: int) -> dict[str, Any]:
    value: Any = "x"
    for _ in range(levels):
        value = {"a": value}
    return {"basics": {"name": "A"}, "meta": value}


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"basics": {"name": 5}}, "$.basics.name"),
        ({"work": {"name": "x"}}, "$.work"),
        ({"work": [{"highlights": "not a list"}]}, "$.work[0].highlights"),
        ({"work": [{"summary": "x" * (1024 * 1024)}]}, "$.work[0].summary"),
        ({"awards": [{"summary": "x" * (1024 * 1024)}]}, "$.awards[0].summary"),
        ({"basics": {"name": "A"}, "hobbies": []}, "$.hobbies"),
        ({"work": [{"position": "A", "startDate": "March 2019"}]}, "$.work[0].startDate"),
        ({"basics": {"summary": "x" * 3001}}, "$.basics.summary"),
        ([1, 2], "$"),
    ],
)
def test_bad_documents_name_the_path_and_create_nothing(
    world: World, client: Client, document: Any, path: str
) -> None:
    client.force_login(world.a.candidate.user)
    response = _post(client, _import_url(world), document)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == path
    assert not Cv.objects.exists()


def test_deep_nesting_is_refused(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    response = _post(client, _import_url(world), _deep(200))
    assert response.status_code == 400
    assert response.json()["field"].startswith("$.meta.a.a")
    assert not Cv.objects.exists()


def test_not_json_and_too_large(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    response = _post(client, _import_url(world), b"{not json")
    assert response.status_code == 400
    assert response.json()["field"] == "$"
    big = b'{"basics": {"summary": "' + b"x" * (8 * 1024 * 1024 + 100) + b'"}}'
    response = _post(client, _import_url(world), big)
    assert response.status_code == 413
    assert "detail" in response.json()
    assert not Cv.objects.exists()


def test_five_megabytes_in_one_field_names_the_field(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    big = b'{"work": [{"summary": "' + b"x" * (5 * 1024 * 1024) + b'"}]}'
    response = _post(client, _import_url(world), big)
    assert response.status_code == 400
    assert "work[0].summary" in str(response.json())
    assert not Cv.objects.exists()


def test_a_body_over_the_limit_is_a_json_413(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    huge = b'{"work": [{"summary": "' + b"x" * (9 * 1024 * 1024) + b'"}]}'
    response = _post(client, _import_url(world), huge)
    assert response.status_code == 413
    assert response.json()["detail"]


def test_a_nul_in_a_large_body_is_refused(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    body = b'{"basics": {"name": "A\\u0000B", "summary": "' + b"x" * (3 * 1024 * 1024) + b'"}}'
    response = _post(client, _import_url(world), body)
    assert response.status_code == 400
    assert not Cv.objects.exists()


def test_coach_imports_for_a_coached_candidate_only(world: World, client: Client) -> None:
    make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    client.force_login(world.a.coach.user)
    document = {"basics": {"name": "Kandidat"}}
    own = _post(client, _import_url(world), document)
    assert own.status_code == 403
    other = _post(client, _import_url(world, candidate=str(world.a.candidate2.public_id)), document)
    assert other.status_code == 404
    response = _post(
        client, _import_url(world, candidate=str(world.a.candidate.public_id)), document
    )
    assert response.status_code == 201
    cv = Cv.objects.get()
    assert cv.candidate == world.a.candidate
    assert client.get(_export_url(world, cv)).status_code == 200
    assert AuditEvent.objects.filter(action="cv.export", actor=world.a.coach.user).exists()
    client.force_login(world.a.admin.user)
    assert client.get(_export_url(world, cv)).status_code == 404


def test_page_import_and_export(world: World, client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.a.candidate.user)
    document = {"basics": {"name": "Bjørn"}, "work": [{"name": "Fjord", "position": "Sjåfør"}]}
    upload = SimpleUploadedFile("cv.json", json.dumps(document).encode(), "application/json")
    response = client.post(
        reverse("cvs:json_import", kwargs={"agency_slug": world.a.agency.slug}),
        {"file": upload, "language": "nb"},
    )
    assert response.status_code == 302
    cv = Cv.objects.get()
    download = client.get(
        reverse(
            "cvs:json_export", kwargs={"agency_slug": world.a.agency.slug, "cv_id": cv.public_id}
        )
    )
    assert download["Content-Disposition"].startswith("attachment;")
    assert json.loads(download.content)["work"][0]["position"] == "Sjåfør"
    bad = SimpleUploadedFile("cv.json", b'{"nope": 1}', "application/json")
    response = client.post(
        reverse("cvs:json_import", kwargs={"agency_slug": world.a.agency.slug}),
        {"file": bad, "language": "nb"},
    )
    assert response.status_code == 200
    assert "$.nope" in response.text
