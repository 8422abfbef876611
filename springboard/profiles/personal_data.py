"""Personal data held by the profiles app: the competence profile and uploaded CVs."""

from __future__ import annotations

from springboard.privacy.declarations import RetentionKind, personal_data
from springboard.profiles.models import (
    Achievement,
    CareerEntry,
    CvSuggestion,
    CvUpload,
    Education,
    LanguageSkill,
    Profile,
    ProfileComment,
    ProfileSkill,
)

PROFILE = "profile__membership"

personal_data(Profile, subject="membership", export_as="profile", retention=RetentionKind.PROFILE)
for model in (CareerEntry, ProfileSkill, Achievement, Education, LanguageSkill, ProfileComment):
    personal_data(model, subject=PROFILE, export_as="profile", retention=RetentionKind.PROFILE)
personal_data(
    Achievement.skills.through,
    subject="achievement__profile__membership",
    export_as="profile",
    retention=RetentionKind.PROFILE,
)
personal_data(
    CvUpload,
    subject=PROFILE,
    export_as="profile",
    retention=RetentionKind.CVS,
    files=("file",),
)
personal_data(
    CvSuggestion,
    subject="upload__profile__membership",
    export_as="profile",
    retention=RetentionKind.CVS,
)
