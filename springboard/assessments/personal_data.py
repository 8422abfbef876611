"""Personal data held by the assessments app: the candidate's attempts and coaches' comments."""

from __future__ import annotations

from springboard.assessments.models import Attempt, Comment
from springboard.privacy.declarations import RetentionKind, personal_data

personal_data(
    Attempt, subject="candidate", export_as="assessments", retention=RetentionKind.ASSESSMENTS
)
# A coach's comment on an attempt is about the candidate and shown to them: theirs to export.
personal_data(
    Comment,
    subject="attempt__candidate",
    export_as="assessments",
    retention=RetentionKind.ASSESSMENTS,
)
