"""Occupation search, suggestions, occupation and skill pages: content, language, queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from springboard.taxonomy.models import (
    Label,
    Occupation,
    OccupationSkill,
    Skill,
    public_id_for,
)
from springboard.taxonomy.services import SAMPLE_PATH, reference_data_import
from springboard.taxonomy.tests.conftest import ESCO
from tests.factories import World

DEV = f"{ESCO}occupation/0001-dev"
PYTHON = f"{ESCO}skill/s-python"


def _login(client: Client, world: World, language: str = "en") -> str:
    user = world.a.candidate.user
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    client.cookies["springboard_language"] = language
    return world.a.agency.slug


def _url(name: str, slug: str, **kwargs: Any) -> str:
    return reverse(f"taxonomy:{name}", kwargs={"agency_slug": slug, **kwargs})


@pytest.mark.usefixtures("imported")
def test_search_finds_occupations_by_a_label_in_any_language(client: Client, world: World) -> None:
    slug = _login(client, world)
    response = client.get(_url("occupation_search", slug), {"q": "Programmør"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "software developer" in body
    assert "ESCO, European Commission; data modified for Springboard." in body
    assert "Sample data" not in body


@pytest.mark.usefixtures("imported")
def test_search_without_query_lists_all_and_without_match_says_what_to_do(
    client: Client, world: World
) -> None:
    slug = _login(client, world)
    everything = client.get(_url("occupation_search", slug)).content.decode()
    assert "All occupations" in everything
    assert "cargo vehicle driver" in everything
    nothing = client.get(_url("occupation_search", slug), {"q": "astronaut"}).content.decode()
    assert "No occupation matches this search" in nothing


@pytest.mark.django_db
def test_search_before_any_import_has_an_empty_state(client: Client, world: World) -> None:
    slug = _login(client, world)
    body = client.get(_url("occupation_search", slug)).content.decode()
    assert "No occupations have been imported yet" in body


@pytest.mark.usefixtures("imported")
def test_htmx_search_returns_the_results_partial(client: Client, world: World) -> None:
    slug = _login(client, world)
    response = client.get(_url("occupation_search", slug), {"q": "nurse"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="occupation-results">')
    assert "nurse responsible for general care" in body


@pytest.mark.usefixtures("imported")
def test_suggestions_in_the_readers_language_with_the_matched_label(
    client: Client, world: World
) -> None:
    slug = _login(client, world, "nl")
    response = client.get(_url("occupation_suggest", slug), {"q": "lorry"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="occupation-suggestions"')
    assert "vrachtwagenchauffeur" in body  # the Dutch name …
    assert "(lorry driver)" in body  # … and the English label that matched
    assert "<script" not in body
    assert "style=" not in body


@pytest.mark.usefixtures("imported")
def test_suggestions_fall_back_to_english_where_a_language_has_no_name(
    client: Client, world: World
) -> None:
    Occupation.objects.filter(uri=DEV).update(names={"en": "software developer"})
    slug = _login(client, world, "da")
    body = client.get(_url("occupation_suggest", slug), {"q": "udvikler"}).content.decode()
    assert '<span lang="en">software developer</span>' in body


@pytest.mark.usefixtures("imported")
def test_short_or_unknown_fragments_give_no_suggestions(client: Client, world: World) -> None:
    slug = _login(client, world)
    assert (
        "list-group"
        not in client.get(_url("occupation_suggest", slug), {"q": "a"}).content.decode()
    )
    empty = client.get(_url("occupation_suggest", slug), {"q": "zzzz"}).content.decode()
    assert "No occupation matches this yet" in empty


@pytest.mark.usefixtures("imported")
def test_occupation_page_shows_description_isco_skills_and_related(
    client: Client, world: World
) -> None:
    slug = _login(client, world, "nl")
    dev = Occupation.objects.get(uri=DEV)
    body = client.get(_url("occupation_detail", slug, public_id=dev.public_id)).content.decode()
    assert "softwareontwikkelaar" in body
    assert "2512" in body
    assert "Software developers" in body
    assert "Python" in body
    assert "SQL" in body
    assert "teamwerk" not in body
    assert "samenwerken in teams" in body
    with translation.override("nl"):
        attribution = translation.gettext(
            "ESCO, European Commission; data modified for Springboard."
        )
    assert attribution in body


@pytest.mark.usefixtures("imported")
def test_skill_page_lists_the_occupations_needing_it(client: Client, world: World) -> None:
    slug = _login(client, world)
    skill = Skill.objects.get(uri=f"{ESCO}skill/s-comm")
    body = client.get(_url("skill_detail", slug, public_id=skill.public_id)).content.decode()
    assert "nurse responsible for general care" in body
    assert "project manager" in body
    assert "Essential" in body


@pytest.mark.usefixtures("imported")
def test_unknown_ids_are_404(client: Client, world: World) -> None:
    slug = _login(client, world)
    missing = public_id_for("http://example.invalid/nothing")
    assert client.get(_url("occupation_detail", slug, public_id=missing)).status_code == 404
    assert client.get(_url("skill_detail", slug, public_id=missing)).status_code == 404


@pytest.mark.django_db
def test_sample_data_shows_a_sample_notice_instead_of_esco_attribution(
    client: Client, world: World
) -> None:
    reference_data_import(path=SAMPLE_PATH, sample=True)
    slug = _login(client, world)
    body = client.get(_url("occupation_search", slug)).content.decode()
    assert "Sample data" in body
    assert "not the ESCO classification" in body
    assert "data modified for Springboard" not in body


def _grow(n: int) -> None:
    """More occupations, skills, labels and relations than the fixtures have."""
    now = timezone.now()
    python = Skill.objects.get(uri=PYTHON)
    dev = Occupation.objects.get(uri=DEV)
    for i in range(n):
        uri_o, uri_s = f"{ESCO}occupation/extra-{i}", f"{ESCO}skill/extra-{i}"
        occupation = Occupation.objects.create(
            uri=uri_o,
            public_id=public_id_for(uri_o),
            names={"en": f"python developer {i}"},
            isco_group=dev.isco_group,
            broader=dev,
            updated_at=now,
        )
        skill = Skill.objects.create(
            uri=uri_s, public_id=public_id_for(uri_s), names={"en": f"skill {i}"}, updated_at=now
        )
        Label.objects.create(
            occupation=occupation,
            lang="en",
            kind="preferred",
            text=f"python developer {i}",
            search_text=f"python developer {i}",
        )
        OccupationSkill.objects.create(occupation=occupation, skill=python, relation="optional")
        OccupationSkill.objects.create(occupation=dev, skill=skill, relation="essential")


def _count(client: Client, url: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data or {}).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("imported")
def test_query_counts_do_not_grow_with_the_data(client: Client, world: World) -> None:
    slug = _login(client, world)
    dev = Occupation.objects.get(uri=DEV)
    python = Skill.objects.get(uri=PYTHON)
    pages = [
        (_url("occupation_search", slug), {"q": "developer"}),
        (_url("occupation_search", slug), {}),
        (_url("occupation_suggest", slug), {"q": "developer"}),
        (_url("occupation_detail", slug, public_id=dev.public_id), {}),
        (_url("skill_detail", slug, public_id=python.public_id), {}),
    ]
    before = [_count(client, url, data) for url, data in pages]
    _grow(30)
    after = [_count(client, url, data) for url, data in pages]
    assert after == before
