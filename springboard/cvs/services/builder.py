"""A CV's first content from the candidate's competence profile.

The candidate picks which jobs, achievements, education, languages and skills go in; the
result is ordinary content they then reorder and rewrite per role and language. Only the
candidate's own profile is read (profiles' selectors for jobs and skills; education,
achievements and languages have no selector yet, so they are read here through the profile's
related managers, scoped by the profile).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from springboard.cvs.content import empty_content
from springboard.profiles.models import Profile, partial_date_label
from springboard.profiles.selectors import career_of, profile_of, skills_of
from springboard.taxonomy.selectors import reader_lang
from springboard.tenancy.models import Membership


@dataclass(frozen=True)
class Pick:
    """One profile entry the candidate may put on the CV (`key` is "<section>:<public id>")."""

    key: str
    section: str
    label: str


@dataclass(frozen=True)
class ProfilePicks:
    picks: list[Pick]

    def by_section(self) -> dict[str, list[Pick]]:
        grouped: dict[str, list[Pick]] = {}
        for pick in self.picks:
            grouped.setdefault(pick.section, []).append(pick)
        return grouped


def _items(profile: Profile, language: str) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """(key, label, item) per section, in the profile's own order."""
    lang = reader_lang(language)
    out: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for job in career_of(profile):
        item = {
            "title": job.title,
            "organisation": job.employer,
            "start": partial_date_label(job.start_year, job.start_month),
            "end": partial_date_label(job.end_year, job.end_month),
            "text": job.description,
            "highlights": [],
        }
        label = f"{job.title}, {job.employer} ({job.start_label})"
        out.setdefault("work", []).append((f"work:{job.public_id}", label, item))
    for achievement in profile.achievements.all():
        item = {
            "title": achievement.title,
            "text": f"{achievement.action} {achievement.result}".strip(),
            "highlights": [],
        }
        out.setdefault("achievements", []).append(
            (f"achievements:{achievement.public_id}", achievement.title, item)
        )
    for education in profile.education.all():
        item = {
            "title": education.title,
            "organisation": education.institution,
            "start": education.start_label,
            "end": education.end_label,
            "highlights": [],
        }
        out.setdefault("education", []).append(
            (f"education:{education.public_id}", education.title, item)
        )
    for language_skill in profile.languages.all():
        levels = "/".join(
            level
            for level in (
                language_skill.understanding,
                language_skill.speaking,
                language_skill.writing,
            )
            if level
        )
        item = {"title": language_skill.language, "text": levels, "highlights": []}
        out.setdefault("languages", []).append(
            (f"languages:{language_skill.public_id}", language_skill.language, item)
        )
    for row in skills_of(profile):
        name = row.skill.name_in(lang)
        item = {"title": name, "text": "", "highlights": []}
        out.setdefault("skills", []).append((f"skills:{row.public_id}", name, item))
    return out


def profile_picks(candidate: Membership, language: str) -> ProfilePicks:
    profile = profile_of(candidate)
    if profile is None:
        return ProfilePicks([])
    return ProfilePicks(
        [
            Pick(key, section, label)
            for section, rows in _items(profile, language).items()
            for key, label, _item in rows
        ]
    )


def content_from_profile(
    candidate: Membership, *, language: str, picked: set[str] | None, headline: str = ""
) -> dict[str, Any]:
    """Content holding the picked entries (all when `picked` is None), sections in the usual
    order; the name and e-mail come from the agency's membership."""
    content = empty_content()
    content["basics"].update(
        name=candidate.display_name, email=candidate.user.email, headline=headline
    )
    profile = profile_of(candidate)
    if profile is None:
        return content
    items = _items(profile, language)
    for section in content["sections"]:
        section["items"] = [
            item
            for key, _label, item in items.get(section["kind"], [])
            if picked is None or key in picked
        ]
    return content
