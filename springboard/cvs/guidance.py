"""Advice shown beside the editors: country conventions of a CV and the LinkedIn checklist.

Conventions are shown, never enforced: a candidate applying to an international employer may
well follow another country's habits. They are keyed by the CV's language (the market it is
written for) and written in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from springboard.profiles.models import Profile


@dataclass(frozen=True)
class Convention:
    topic: Promise
    advice: Promise


TOPIC_PHOTO = _("Photo")
TOPIC_BIRTH = _("Date of birth")
TOPIC_LENGTH = _("Length")
TOPIC_REFERENCES = _("References")

CONVENTIONS: dict[str, list[Convention]] = {
    "en": [
        Convention(TOPIC_PHOTO, _("Leave the photo out: in the UK and Ireland it is unusual.")),
        Convention(TOPIC_BIRTH, _("Leave out your date of birth, age and marital status.")),
        Convention(TOPIC_LENGTH, _("Two pages at most; one page early in a career.")),
        Convention(TOPIC_REFERENCES, _("“References available on request” is enough.")),
    ],
    "nl": [
        Convention(TOPIC_PHOTO, _("A photo is common but optional; use a recent, plain one.")),
        Convention(TOPIC_BIRTH, _("A date of birth is optional and often left out nowadays.")),
        Convention(TOPIC_LENGTH, _("One to two pages; Dutch readers like short and direct.")),
        Convention(TOPIC_REFERENCES, _("Name references only when asked for them.")),
    ],
    "da": [
        Convention(TOPIC_PHOTO, _("A photo is common in Denmark; a friendly, recent portrait.")),
        Convention(TOPIC_BIRTH, _("A date of birth is often included but never required.")),
        Convention(TOPIC_LENGTH, _("Two pages at most, with a short profile text at the top.")),
        Convention(TOPIC_REFERENCES, _("References are often named, with their permission.")),
    ],
    "nb": [
        Convention(TOPIC_PHOTO, _("A photo is common in Norway but not required.")),
        Convention(TOPIC_BIRTH, _("A date of birth is often included but never required.")),
        Convention(TOPIC_LENGTH, _("Two pages at most; newest experience first.")),
        Convention(
            TOPIC_REFERENCES,
            _("Norwegian employers often call references: name two, with their permission."),
        ),
    ],
}


def conventions_for(language: str) -> list[Convention]:
    return CONVENTIONS.get(language, CONVENTIONS["en"])


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: Promise
    advice: Promise
    done: bool


MIN_SKILLS = 5


def linkedin_checklist(profile: Profile | None) -> list[ChecklistItem]:
    """What a LinkedIn profile needs, ticked where the competence profile already has the
    material (LinkedIn itself is never contacted)."""
    has_jobs = profile is not None and profile.career.exists()
    skill_count = profile.skills.count() if profile is not None else 0
    job_sought = bool(profile and profile.job_sought)
    return [
        ChecklistItem(
            "headline",
            _("Headline"),
            _(
                "Say what you do and what you look for, in the words recruiters search for: "
                "“Warehouse manager | logistics and planning”."
            ),
            job_sought,
        ),
        ChecklistItem(
            "about",
            _("About"),
            _(
                "Three short paragraphs: what you are good at, two results you are proud of, "
                "and what you want next. Write it in the language of the jobs you seek."
            ),
            has_jobs,
        ),
        ChecklistItem(
            "experience",
            _("Experience"),
            _("Every job with its dates and two or three results, the same as on your CV."),
            has_jobs,
        ),
        ChecklistItem(
            "skills",
            _("Skills"),
            _("At least five skills, the most important first; ask colleagues to endorse them."),
            skill_count >= MIN_SKILLS,
        ),
        ChecklistItem(
            "open_to_work",
            _("Open to work"),
            _(
                "Turn on “Open to work” for recruiters only if your employer must not see it; "
                "name the job titles and places you want."
            ),
            False,
        ),
    ]


LINKEDIN_LANGUAGE_ADVICE = {
    "en": _("English profiles reach international recruiters; keep the headline short."),
    "nl": _("Dutch recruiters search in Dutch and English: add a profile in both languages."),
    "da": _("Danish recruiters use LinkedIn a lot: add a Danish profile besides an English one."),
    "nb": _("Norwegian recruiters search in Norwegian: add a Norwegian profile besides English."),
}
