"""Writes about CVs and letters, one module per concern; this package re-exports them.

- `documents`: creating CVs and letters, saving versions (with the conflict check), settings.
- `builder`: a CV's first content from the candidate's competence profile.
- `comments`: coaches' comments on a version.
- `json_resume`: JSON Resume import and export.
- `linkedin`: the candidate's LinkedIn data export → profile suggestions.
"""

from springboard.cvs.services.builder import ProfilePicks, content_from_profile, profile_picks
from springboard.cvs.services.comments import comment_add
from springboard.cvs.services.documents import (
    VersionConflict,
    cv_create,
    cv_delete,
    cv_settings_update,
    cv_version_save,
    letter_create,
    letter_delete,
    letter_version_save,
)

__all__ = [
    "ProfilePicks",
    "VersionConflict",
    "comment_add",
    "content_from_profile",
    "cv_create",
    "cv_delete",
    "cv_settings_update",
    "cv_version_save",
    "letter_create",
    "letter_delete",
    "letter_version_save",
    "profile_picks",
]
