"""Demo competence profiles for `springboard demo-data`: realistic jobs, debriefs, achievements,
education, languages, skills and preferences for the demo candidates.

Skills are looked up by their English label in whatever taxonomy is imported (the built-in sample
or ESCO); a label the taxonomy lacks is left out. Running it again changes nothing for a profile
that already has jobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from springboard.matching.textnorm import normalise_phrase
from springboard.profiles.models import (
    Achievement,
    CareerEntry,
    Education,
    LanguageSkill,
    Proficiency,
)
from springboard.profiles.services import profile_ensure, skill_add
from springboard.taxonomy.models import Label, Skill
from springboard.tenancy.models import Agency, Membership


@dataclass(frozen=True)
class Persona:
    jobs: list[dict[str, Any]]
    achievement: dict[str, str]
    education: list[dict[str, Any]]
    languages: list[dict[str, Any]]
    skills: list[tuple[str, str, str]]  # English label, proficiency, evidence
    preferences: dict[str, Any] = field(default_factory=dict)


PERSONAS = (
    Persona(
        jobs=[
            {
                "title": "Warehouse team leader",
                "employer": "Nordlager A/S",
                "start_year": 2016,
                "start_month": 4,
                "end_year": 2025,
                "end_month": 9,
                "description": "Led a team of 12 in goods-in and picking for a regional grocer.",
                "went_well": "Planning shifts and training new colleagues.",
                "was_hard": "The switch to the new warehouse system without enough training.",
                "take_along": "I like being the one who keeps the day running.",
                "why_ended": "The warehouse was closed when distribution moved to Germany.",
            },
            {
                "title": "Forklift driver",
                "employer": "Lagerhuset ApS",
                "start_year": 2010,
                "start_month": 3,
                "end_year": 2016,
                "end_month": 3,
                "description": "Loading, unloading and stock counts.",
            },
        ],
        achievement={
            "title": "Fewer picking errors",
            "situation": "Customer complaints about wrong deliveries had doubled in a year.",
            "task": "Bring picking errors down before the Christmas peak.",
            "action": "Introduced a double check on the busiest lines and coached the team.",
            "result": "Picking errors fell by 40% within three months.",
        },
        education=[
            {
                "kind": "education",
                "title": "Warehouse operations (vocational)",
                "institution": "Erhvervsskolen",
                "level": "vocational",
                "end_year": 2009,
            },
            {
                "kind": "certificate",
                "title": "Forklift licence",
                "institution": "Arbejdstilsynet",
                "level": "course",
                "end_year": 2010,
            },
        ],
        languages=[
            {"language": "Danish", "mother_tongue": True},
            {"language": "English", "understanding": "B2", "speaking": "B1", "writing": "B1"},
        ],
        skills=[
            ("operate a forklift", Proficiency.EXPERT, "Licensed since 2010."),
            ("maintain stock records", Proficiency.GOOD, "Weekly stock counts at Nordlager."),
            ("work in teams", Proficiency.EXPERT, "Led a team of 12."),
            ("plan routes", Proficiency.BASIC, ""),
            ("use spreadsheet software", Proficiency.GOOD, "Shift plans in Excel."),
        ],
        preferences={
            "hours": "full_time",
            "pay_min": 32000,
            "pay_max": 38000,
            "sectors_to_try": "Logistics, wholesale",
        },
    ),
    Persona(
        jobs=[
            {
                "title": "Accounts assistant",
                "employer": "Holmen Consulting",
                "start_year": 2018,
                "start_month": 1,
                "description": "Bookkeeping, invoices and the monthly close for 40 clients.",
                "went_well": "Clients trusted me with their questions.",
                "was_hard": "Deadlines at the end of every quarter.",
                "take_along": "Accuracy and explaining numbers simply.",
                "why_ended": "My position is being outsourced.",
            },
        ],
        achievement={
            "title": "Faster monthly close",
            "situation": "The monthly close took eight working days.",
            "task": "Shorten it without extra staff.",
            "action": "Built spreadsheet checks and agreed earlier deadlines with clients.",
            "result": "The close now takes five days.",
        },
        education=[
            {
                "kind": "education",
                "title": "Business economics",
                "institution": "University college",
                "level": "bachelor",
                "start_year": 2013,
                "end_year": 2016,
            },
        ],
        languages=[
            {"language": "Dutch", "mother_tongue": True},
            {"language": "English", "understanding": "C1", "speaking": "B2", "writing": "B2"},
        ],
        skills=[
            ("bookkeeping", Proficiency.EXPERT, "Six years for 40 clients."),
            ("use spreadsheet software", Proficiency.EXPERT, "Built the close checks."),
            ("manage budgets", Proficiency.GOOD, ""),
            ("analyse data", Proficiency.GOOD, ""),
            ("communicate with customers", Proficiency.GOOD, "First contact for clients."),
        ],
        preferences={"hours": "part_time", "sectors_to_avoid": "Debt collection"},
    ),
)


def _skill(label: str) -> Skill | None:
    found = (
        Label.objects.filter(skill__isnull=False, lang="en", search_text=normalise_phrase(label))
        .select_related("skill")
        .first()
    )
    return found.skill if found is not None else None


def _fill(candidate: Membership, persona: Persona) -> None:
    profile = profile_ensure(candidate)
    if profile.career.exists():
        return
    jobs = [CareerEntry.objects.create(profile=profile, **job) for job in persona.jobs]
    for item in persona.education:
        Education.objects.create(profile=profile, **item)
    for item in persona.languages:
        LanguageSkill.objects.create(profile=profile, **item)
    rows = []
    for label, proficiency, evidence in persona.skills:
        skill = _skill(label)
        if skill is not None:
            rows.append(
                skill_add(
                    profile=profile,
                    skill=skill,
                    proficiency=proficiency,
                    evidence=evidence,
                    career_entry=jobs[0],
                )
            )
    achievement = Achievement.objects.create(
        profile=profile, career_entry=jobs[0], **persona.achievement
    )
    achievement.skills.set(rows[:2])
    for name, value in persona.preferences.items():
        setattr(profile, name, value)
    profile.version += 1
    profile.completed_at = timezone.now()
    profile.save()


def profiles_demo(agency: Agency, candidates: list[Membership]) -> None:
    """Fill the profiles of the demo candidates, each from one of the personas in turn; the
    last candidate keeps an empty profile so the demo shows the empty states too."""
    own = [candidate for candidate in candidates if candidate.agency_id == agency.pk]
    for index, candidate in enumerate(own[:-1] if len(own) > 1 else own):
        _fill(candidate, PERSONAS[index % len(PERSONAS)])
