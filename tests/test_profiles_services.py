"""Competence profile services and the selector contract the opportunities app uses."""

from __future__ import annotations

import pytest
from django.utils import timezone

from springboard.lib.errors import DomainError
from springboard.matching.textnorm import normalise_phrase
from springboard.profiles import selectors
from springboard.profiles.demo import profiles_demo
from springboard.profiles.models import CareerEntry, LanguageSkill, Profile
from springboard.profiles.services import (
    ProfileConflict,
    preferences_update,
    profile_ensure,
    section_row_save,
    skill_add,
    skill_confirm,
)
from springboard.programmes.services import intake_complete
from springboard.taxonomy.models import Label, Skill, public_id_for
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers

SKILL_NAMES = {
    "project-management": {
        "en": "project management",
        "nl": "projectmanagement",
        "da": "projektledelse",
        "nb": "prosjektledelse",
    },
    "forklift": {
        "en": "operate forklift",
        "nl": "heftruck besturen",
        "da": "betjene gaffeltruck",
        "nb": "kjøre gaffeltruck",
    },
    "warehouse": {
        "en": "manage warehouse operations",
        "nl": "magazijnactiviteiten beheren",
        "da": "styre lageraktiviteter",
        "nb": "styre lagerdrift",
    },
    "logistics": {
        "en": "logistics planning",
        "nl": "logistieke planning",
        "da": "logistikplanlægning",
        "nb": "logistikkplanlegging",
    },
    "stock": {
        "en": "stock control",
        "nl": "voorraadbeheer",
        "da": "lagerstyring",
        "nb": "lagerstyring",
    },
    "excel": {
        "en": "use spreadsheets software",
        "nl": "spreadsheetsoftware gebruiken",
        "da": "bruge regnearksprogrammer",
        "nb": "bruke regnearkprogrammer",
    },
}
ESCO = "http://data.europa.eu/esco/skill/test-"


def make_skill(key: str) -> Skill:
    uri = ESCO + key
    names = SKILL_NAMES[key]
    skill = Skill.objects.create(
        uri=uri, public_id=public_id_for(uri), names=names, updated_at=timezone.now()
    )
    Label.objects.bulk_create(
        Label(
            skill=skill, lang=lang, kind="preferred", text=text, search_text=normalise_phrase(text)
        )
        for lang, text in names.items()
    )
    return skill


def make_skills() -> dict[str, Skill]:
    return {key: make_skill(key) for key in SKILL_NAMES}


def test_confirmed_skill_uris_holds_only_confirmed_skills(world: World) -> None:
    skills = make_skills()
    profile = profile_ensure(world.a.candidate)
    skill_add(profile=profile, skill=skills["forklift"])  # the candidate's own: confirmed
    unconfirmed = skill_add(profile=profile, skill=skills["stock"], confirm=False)
    by_coach = skill_add(profile=profile, skill=skills["excel"], confirm=False)
    skill_confirm(row=by_coach, actor=world.a.coach)
    assert selectors.confirmed_skill_uris(world.a.candidate) == {
        ESCO + "forklift",
        ESCO + "excel",
    }
    assert unconfirmed.is_confirmed is False
    # Another agency's membership of the same person sees nothing of it.
    assert selectors.confirmed_skill_uris(world.b.candidate) == set()


def test_profile_preferences_is_none_without_profile_and_frozen_with_one(world: World) -> None:
    assert selectors.profile_preferences(world.a.candidate) is None
    profile = profile_ensure(world.a.candidate)
    preferences_update(
        profile=profile,
        expected_version=profile.version,
        values={"regions": "Aarhus", "pay_min": 30000, "pay_max": 40000, "pay_currency": "DKK"},
    )
    prefs = selectors.profile_preferences(world.a.candidate)
    assert prefs is not None
    assert (prefs.regions, prefs.pay_min, prefs.pay_max, prefs.pay_currency) == (
        "Aarhus",
        30000,
        40000,
        "DKK",
    )
    with pytest.raises(AttributeError):
        prefs.regions = "x"  # type: ignore[misc]


def test_intake_answers_are_carried_over_once(world: World) -> None:
    programme = make_programme(world.a)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    profile = profile_ensure(world.a.candidate)
    intake = programme.intake
    assert profile.prefilled_from_id == intake.pk
    assert profile.job_sought == intake.job_sought
    assert profile.regions == intake.region
    assert profile.travel_radius_km == intake.travel_radius_km
    assert profile.hours == intake.hours
    assert profile.pay_note == intake.pay_expectation
    assert profile.intake_skills_text == intake.skills
    # The candidate's own later change is not overwritten when the profile is opened again.
    preferences_update(
        profile=profile, expected_version=profile.version, values={"regions": "Oslo"}
    )
    again = profile_ensure(world.a.candidate)
    assert again.regions == "Oslo"
    assert Profile.objects.count() == 1


def test_a_profile_without_intake_takes_a_later_one_until_edited(world: World) -> None:
    profile = profile_ensure(world.a.candidate)
    assert profile.prefilled_from_id is None
    programme = make_programme(world.a)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    assert profile_ensure(world.a.candidate).prefilled_from_id == programme.intake.pk


def test_stale_preferences_save_is_refused(world: World) -> None:
    profile = profile_ensure(world.a.candidate)
    version = profile.version
    preferences_update(profile=profile, expected_version=version, values={"regions": "Bergen"})
    with pytest.raises(ProfileConflict):
        preferences_update(profile=profile, expected_version=version, values={"regions": "Oslo"})
    profile.refresh_from_db()
    assert profile.regions == "Bergen"


def test_pay_range_must_be_ordered(world: World) -> None:
    profile = profile_ensure(world.a.candidate)
    with pytest.raises(DomainError):
        preferences_update(
            profile=profile, expected_version=1, values={"pay_min": 5000, "pay_max": 4000}
        )


def test_career_entry_partial_dates_and_conflicts(world: World) -> None:
    profile = profile_ensure(world.a.candidate)
    entry = section_row_save(
        profile=profile,
        model=CareerEntry,
        row=None,
        expected_version=None,
        values={
            "employer": "Nordlager",
            "title": "Lagerchef",
            "start_year": 2015,
            "start_month": 3,
        },
    )
    assert entry.is_current
    assert entry.start_label == "2015-03"
    with pytest.raises(DomainError):
        section_row_save(
            profile=profile,
            model=CareerEntry,
            row=entry,
            expected_version=entry.version,
            values={"end_year": 2014},
        )
    saved = section_row_save(
        profile=profile,
        model=CareerEntry,
        row=entry,
        expected_version=1,
        values={"end_year": 2024, "end_month": 6, "why_ended": "Reorganisation"},
    )
    assert saved.version == 2
    assert saved.end_label == "2024-06"
    with pytest.raises(ProfileConflict):
        section_row_save(
            profile=profile,
            model=CareerEntry,
            row=entry,
            expected_version=1,
            values={"title": "Other"},
        )


def test_language_levels_are_cefr(world: World) -> None:
    profile = profile_ensure(world.a.candidate)
    with pytest.raises(DomainError):
        section_row_save(
            profile=profile,
            model=LanguageSkill,
            row=None,
            expected_version=None,
            values={"language": "Danish", "speaking": "D9"},
        )


def test_demo_profiles_fill_all_but_the_last_candidate(world: World) -> None:
    profiles_demo(world.a.agency, [world.a.candidate, world.a.candidate2])
    profiles_demo(world.a.agency, [world.a.candidate, world.a.candidate2])  # idempotent
    profile = Profile.objects.get(membership=world.a.candidate)
    assert profile.career.count() == 2
    assert profile.completed_at is not None
    assert not Profile.objects.filter(membership=world.a.candidate2, career__isnull=False).exists()
