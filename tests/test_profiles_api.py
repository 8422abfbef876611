"""The profile over the API, and canaries: a profile's text never reaches an employer contact
(pages, API answers) or an e-mail."""

from __future__ import annotations

import json

from django.core import mail
from django.test import Client
from django.urls import reverse

from springboard.privacy.models import AuditEvent
from springboard.profiles.models import CareerEntry, ProfileSkill
from springboard.profiles.services import (
    comment_add,
    preferences_update,
    profile_ensure,
    section_row_save,
    skill_add,
)
from tests.factories import World, make_programme
from tests.permission_matrix import MATRIX
from tests.test_permission_matrix import _kwargs
from tests.test_profiles_services import ESCO, make_skills

CANARY = "CANARY-9f3c1e-profile"


def _api(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def test_candidate_reads_and_writes_through_the_api(world: World, client: Client) -> None:
    skills = make_skills()
    client.force_login(world.a.candidate.user)
    response = client.post(
        _api("profile_career", world),
        json.dumps({"title": "Planner", "employer": "Nordlager", "start_year": 2019}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = client.post(
        _api("profile_career", world),
        json.dumps({"title": "x", "start_year": 2019, "end_year": 2001}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "end_year"
    response = client.post(
        _api("profile_skills", world),
        json.dumps({"skill_id": str(skills["forklift"].public_id), "proficiency": "expert"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    skill_id = response.json()["id"]
    assert response.json()["uri"] == ESCO + "forklift"
    response = client.post(
        _api("profile_skill_confirm", world, skill_id=skill_id),
        json.dumps({"confirmed": False}),
        content_type="application/json",
    )
    assert response.json()["confirmed_by_candidate_at"] is None
    prefs = client.get(_api("profile_preferences", world)).json()
    response = client.put(
        _api("profile_preferences", world),
        json.dumps({"version": prefs["version"], "regions": "Aarhus", "pay_currency": "DKK"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["regions"] == "Aarhus"
    stale = client.put(
        _api("profile_preferences", world),
        json.dumps({"version": prefs["version"], "regions": "Oslo"}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["regions"] == "Aarhus"
    detail = client.get(_api("profile_detail", world)).json()
    assert [job["title"] for job in detail["career"]] == ["Planner"]
    assert client.delete(_api("profile_skill", world, skill_id=skill_id)).status_code == 204
    assert not ProfileSkill.objects.exists()


def test_coach_reads_through_the_programme_audited(world: World, client: Client) -> None:
    programme = make_programme(world.a)
    profile = profile_ensure(world.a.candidate)
    CareerEntry.objects.create(profile=profile, employer="A", title="Planner", start_year=2019)
    client.force_login(world.a.coach.user)
    url = _api("profile_detail", world) + f"?programme={programme.public_id}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["career"][0]["title"] == "Planner"
    assert AuditEvent.objects.filter(action="profile.read", actor=world.a.coach.user).exists()
    # A coach confirms a skill of the candidate through the programme (audited).
    row = skill_add(profile=profile, skill=make_skills()["stock"], confirm=False)
    response = client.post(
        _api("profile_skill_confirm", world, skill_id=row.public_id)
        + f"?programme={programme.public_id}",
        json.dumps({"confirmed": True}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["confirmed_by_coach"] == world.a.coach.display_name
    assert AuditEvent.objects.filter(action="profile.skill_confirm").count() == 1
    # Without the programme a coach has no profile of their own; another coach's → 404.
    assert client.get(_api("profile_detail", world)).status_code == 403
    client.force_login(world.a.coach2.user)
    assert client.get(url).status_code == 404
    client.force_login(world.a.admin.user)
    assert client.get(url).status_code == 403


def _fill_with_canaries(world: World) -> None:
    skills = make_skills()
    programme = make_programme(world.a)
    profile = profile_ensure(world.a.candidate)
    section_row_save(
        profile=profile,
        model=CareerEntry,
        row=None,
        expected_version=None,
        values={
            "title": f"Title {CANARY}",
            "employer": f"Employer {CANARY}",
            "start_year": 2010,
            "why_ended": f"Why {CANARY}",
        },
    )
    skill_add(profile=profile, skill=skills["stock"], evidence=f"Evidence {CANARY}")
    preferences_update(
        profile=profile,
        expected_version=profile.version,
        values={"regions": f"Region {CANARY}", "pay_min": 31337, "pay_note": CANARY},
    )
    comment_add(profile=profile, author=world.a.coach, section="career", text=f"Note {CANARY}")
    assert programme.candidate == world.a.candidate


def test_profile_text_never_reaches_an_employer_contact(world: World, client: Client) -> None:
    _fill_with_canaries(world)
    client.force_login(world.a.contact.user)
    crawled = 0
    for (name, method), table in MATRIX.items():
        if method != "GET":
            continue
        for relation, status in table.get("employer_contact", {}).items():
            if status != 200:
                continue
            url = reverse(name, kwargs=_kwargs(name, relation, world) or None)
            response = client.get(url)
            body = response.content.decode(errors="replace")
            assert CANARY not in body, url
            assert "31337" not in body, url
            crawled += 1
    assert crawled > 0
    for message in mail.outbox:
        assert CANARY not in str(message.body) + str(message.subject)
