"""Writes about competence profiles, one module per concern; this package re-exports them.

- `profile`: creating the profile (carrying the intake over), preferences, the "done" marks.
- `sections`: jobs, achievements, education and languages (add, change, delete).
- `skills`: ESCO skills, their evidence and confirmations.
- `comments`: coaches' comments on sections.
- `cv`: CV uploads and deciding their suggestions; `cv_parse` is the task's reading.
"""

from springboard.profiles.services.comments import comment_add
from springboard.profiles.services.cv import (
    check_cv_size,
    cv_upload_delete,
    cv_upload_receive,
    cv_upload_reparse,
    suggestion_decide,
)
from springboard.profiles.services.profile import (
    SKILLS_MAPPED_MINIMUM,
    ProfileConflict,
    latest_intake,
    preferences_update,
    profile_ensure,
    profile_mark_complete,
    skills_mark_mapped,
)
from springboard.profiles.services.sections import section_row_delete, section_row_save
from springboard.profiles.services.skills import (
    skill_add,
    skill_confirm,
    skill_remove,
    skill_update,
)

__all__ = [
    "SKILLS_MAPPED_MINIMUM",
    "ProfileConflict",
    "check_cv_size",
    "comment_add",
    "cv_upload_delete",
    "cv_upload_receive",
    "cv_upload_reparse",
    "latest_intake",
    "preferences_update",
    "profile_ensure",
    "profile_mark_complete",
    "section_row_delete",
    "section_row_save",
    "skill_add",
    "skill_confirm",
    "skill_remove",
    "skill_update",
    "skills_mark_mapped",
    "suggestion_decide",
]
