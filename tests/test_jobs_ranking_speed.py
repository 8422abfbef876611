"""The fast "jobs for you" (the per-agency index, numpy preference masks, one read of the rows
shown) against the slow path written out from the rules on random data, and the index's
invalidation: every write to shared vacancies, the day, the taxonomy, and other agencies."""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from springboard.jobs import ranking
from springboard.jobs.importing import Posting
from springboard.jobs.models import Vacancy, VacancySource
from springboard.jobs.selectors import jobs_for_you, vacancies_visible_to
from springboard.jobs.services import vacancies_import, vacancy_create
from springboard.jobs.services.enrichment import bump_generation
from springboard.profiles.models import Profile, ProfileSkill
from springboard.profiles.selectors import confirmed_skill_uris, profile_preferences
from springboard.programmes.models import Hours
from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import Label, Skill, TaxonomyVersion
from springboard.tenancy.models import Membership
from tests.factories import World
from tests.fixtures.opportunities.world import SKILLS, make_taxonomy, skill_uri

TODAY = datetime.date(2026, 11, 28)
PLACES = ["Utrecht", "Leiden", "Aarhus Centrum", "Bergen", ""]
REGIONS = ["Zuid-Holland", "Midtjylland", ""]


@pytest.fixture
def taxonomy(db: None) -> None:
    make_taxonomy()
    for key, text in SKILLS.items():
        Label.objects.create(
            skill=Skill.objects.get(uri=skill_uri(key)),
            lang="en",
            kind="preferred",
            text=text,
            search_text=text.casefold(),
        )
    TaxonomyVersion.objects.update(changed_at=timezone.now())
    engine_cache.clear()
    ranking.forget()


def _vacancy(rng: random.Random, agency: Any, n: int, owner: Membership | None) -> Vacancy:
    keys = list(SKILLS)
    place = rng.choice(PLACES)
    return Vacancy(
        agency=agency,
        owner=owner,
        title=f"Job {n}",
        employer=f"Employer {n}",
        place=place,
        region=rng.choice(REGIONS),
        hours_per_week=rng.choice([None, Decimal("20"), Decimal("31.5"), Decimal("32"), 40]),
        salary_max=rng.choice([None, Decimal("2999.99"), Decimal("3000"), Decimal("4500")]),
        salary_currency=rng.choice(["", "EUR", "DKK"]),
        valid_through=rng.choice([None, TODAY, TODAY - datetime.timedelta(days=1)]),
        skill_uris=[skill_uri(k) for k in rng.sample(keys, rng.randint(0, 4))],
        source=VacancySource.MANUAL,
        duplicate_key=f"random|{n}|{place}",
    )


def _random_world(world: World, seed: int) -> Membership:
    rng = random.Random(seed)
    a, b = world.a, world.b
    candidate = a.candidate
    owners: list[Membership | None] = [None] * 6 + [candidate, a.candidate2]
    vacancies = [_vacancy(rng, a.agency, n, rng.choice(owners)) for n in range(60)]
    vacancies += [_vacancy(rng, b.agency, 100 + n, None) for n in range(10)]
    for vacancy in vacancies:
        vacancy.save()  # one by one: distinct created_at, the ordering's tie-break
    bump_generation(a.agency.pk)
    profile = Profile.objects.create(
        agency=a.agency,
        membership=candidate,
        regions=", ".join(rng.sample(["utrecht", " Midtjylland", "bergen", "Oslo"], 2)),
        hours=rng.choice([Hours.FULL_TIME, Hours.PART_TIME, Hours.EITHER]),
        pay_min=rng.choice([None, 3000, 4000]),
        pay_currency=rng.choice(["EUR", "DKK"]),
    )
    for key in rng.sample(list(SKILLS), rng.randint(1, 5)):
        ProfileSkill.objects.create(
            profile=profile,
            skill=Skill.objects.get(uri=skill_uri(key)),
            confirmed_by_candidate_at=timezone.now(),
            confirmed_by_coach_at=None,
        )
    return candidate


def _slow(candidate: Membership, limit: int) -> list[tuple[int, float, list[str], list[str]]]:
    """The rules applied to every visible open vacancy, one at a time, sorted in full."""
    skills = confirmed_skill_uris(candidate)
    wants = ranking.Wants.of(profile_preferences(candidate))
    visible = [
        v
        for v in vacancies_visible_to(candidate)
        if v.valid_through is None or v.valid_through >= TODAY
    ]
    shared = [v for v in visible if v.owner_id is None and v.skill_uris]
    engine = engine_cache.get_engine()
    cosine = engine.vacancy_index([str(v.pk) for v in shared], [v.skill_uris for v in shared])
    raw = dict(zip([v.pk for v in shared], cosine.scores(skills).tolist(), strict=True))
    rows = []
    for vacancy in visible:
        if vacancy.owner_id is None:
            score = raw.get(vacancy.pk, 0.0)
        elif vacancy.skill_uris:
            score = len(skills.intersection(vacancy.skill_uris)) / len(vacancy.skill_uris)
        else:
            score = 0.0
        rows.append((vacancy, *wants.adjust(score, vacancy)))
    rows.sort(key=lambda r: (-r[1], -r[0].created_at.timestamp(), r[0].pk))
    return [(v.pk, min(s, 1.0), reasons, concerns) for v, s, reasons, concerns in rows[:limit]]


@pytest.mark.parametrize(("seed", "limit"), [(s, limit) for s in range(6) for limit in (3, 10, 50)])
def test_fast_path_equals_the_rules_applied_one_by_one(
    taxonomy: None, world: World, seed: int, limit: int
) -> None:
    candidate = _random_world(world, seed)
    fits = jobs_for_you(candidate, lang="en", today=TODAY, limit=limit)
    got = [(f.vacancy.pk, f.score, f.reasons, f.concerns) for f in fits]
    assert got == _slow(candidate, limit)
    assert all(f.vacancy.agency_id == world.a.agency.pk for f in fits)
    assert all(f.vacancy.owner_id in (None, candidate.pk) for f in fits)


@pytest.mark.parametrize("seed", range(4))
def test_numpy_masks_give_the_scores_of_the_rules(taxonomy: None, world: World, seed: int) -> None:
    candidate = _random_world(world, seed)
    wants = ranking.Wants.of(profile_preferences(candidate))
    taxonomy_key, generation = ranking.versions(world.a.agency)
    index = ranking.agency_index(
        world.a.agency, today=TODAY, taxonomy=taxonomy_key, generation=generation
    )
    assert index is not None
    assert len(index) > 0
    rows = list(range(len(index)))
    raw = [0.1 * (n % 7 + 1) for n in rows]
    adjusted = index.adjusted(np.asarray(rows), np.asarray(raw), wants)
    vacancies = Vacancy.objects.in_bulk([int(i) for i in index.ids])
    for row, score in zip(rows, adjusted.tolist(), strict=True):
        expected, _, _ = wants.adjust(raw[row], vacancies[int(index.ids[row])])
        assert score == expected


def _names(candidate: Membership, today: datetime.date = TODAY) -> list[str]:
    return [f.vacancy.title for f in jobs_for_you(candidate, lang="en", today=today)]


def _profile(candidate: Membership, *keys: str) -> None:
    profile = Profile.objects.create(agency=candidate.agency, membership=candidate)
    for key in keys:
        ProfileSkill.objects.create(
            profile=profile,
            skill=Skill.objects.get(uri=skill_uri(key)),
            confirmed_by_candidate_at=timezone.now(),
        )


def _posting(title: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "@type": "JobPosting",
        "title": title,
        "description": text,
        "hiringOrganization": {"name": "Acme"},
        "url": f"https://jobs.example/{title.replace(' ', '-')}",
        **extra,
    }


def _import(world: World, *postings: dict[str, Any], agency: Any = None) -> None:
    from springboard.jobs.services.enrichment import vacancies_enrich

    agency = agency or world.a.agency
    vacancies_import(agency=agency, files=[("f.json", json.dumps(list(postings)).encode())])
    ids = list(Vacancy.objects.filter(agency=agency).values_list("pk", flat=True))
    vacancies_enrich(agency_id=agency.pk, vacancy_ids=ids)


def test_index_follows_every_write_the_day_and_the_taxonomy(taxonomy: None, world: World) -> None:
    candidate = world.a.candidate
    _profile(candidate, "python", "sql")
    _import(world, _posting("Developer", "Python programming and SQL."))
    assert _names(candidate) == ["Developer"]
    first = ranking._indexes[world.a.agency.pk]

    # Added by hand: the generation moves, the next request sees it (no cache clearing here).
    vacancy_create(
        agency=world.a.agency,
        owner=None,
        posting=Posting("Analyst", "Acme", description="SQL and statistics.", place="Leiden"),
    )
    assert set(_names(candidate)) == {"Developer", "Analyst"}
    assert ranking._indexes[world.a.agency.pk] is not first

    # A re-import that changes the text changes the skills the index holds.
    _import(world, _posting("Developer", "Selling products and handling cash."))
    assert _names(candidate)[0] == "Analyst"

    # Another agency's writes neither show up nor disturb this agency's index.
    kept = ranking._indexes[world.a.agency.pk]
    _import(
        world, _posting("Other agency dev", "Python programming and SQL."), agency=world.b.agency
    )
    assert "Other agency dev" not in _names(candidate)
    assert ranking._indexes[world.a.agency.pk] is kept

    # Expiry: the day is part of the version.
    _import(world, _posting("Closing", "Python programming.", validThrough="2026-11-28"))
    assert "Closing" in _names(candidate, TODAY)
    assert "Closing" not in _names(candidate, TODAY + datetime.timedelta(days=1))

    # Nothing changed: the same index serves; a new taxonomy version rebuilds it.
    _names(candidate)
    kept = ranking._indexes[world.a.agency.pk]
    _names(candidate)
    assert ranking._indexes[world.a.agency.pk] is kept
    TaxonomyVersion.objects.update(changed_at=timezone.now())
    _names(candidate)
    assert ranking._indexes[world.a.agency.pk] is not kept


def test_query_count_does_not_grow_with_the_vacancies(taxonomy: None, world: World) -> None:
    candidate = world.a.candidate
    _profile(candidate, "python")
    _import(world, *(_posting(f"Dev {n}", "Python programming.") for n in range(5)))
    jobs_for_you(candidate, lang="en", today=TODAY, limit=3)
    with CaptureQueriesContext(connection) as few:
        jobs_for_you(candidate, lang="en", today=TODAY, limit=3)
    _import(world, *(_posting(f"Dev {n}", "Python programming.") for n in range(5, 80)))
    jobs_for_you(candidate, lang="en", today=TODAY)
    with CaptureQueriesContext(connection) as many:
        fits = jobs_for_you(candidate, lang="en", today=TODAY)
    assert len(fits) == 50
    # Skills, preferences, versions, the rows shown (a fifth only when fits run short).
    assert len(many) == len(few) == 4
