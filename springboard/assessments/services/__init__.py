"""Writes about assessments, one module per concern; this package re-exports them.

- `versions`: instrument versions from reference data (unchanged data keeps the version).
- `attempts`: start, save answers, finish (scores + plan tasks), re-score, free-text entries.
- `comments`: coaches' comments on strengths and wellbeing factors.
"""

from springboard.assessments.services.attempts import (
    answered_count,
    attempt_entry_add,
    attempt_entry_remove,
    attempt_finish,
    attempt_rescore,
    attempt_save_answers,
    attempt_start,
    missing_items,
)
from springboard.assessments.services.comments import comment_add
from springboard.assessments.services.versions import instrument_version_ensure

__all__ = [
    "answered_count",
    "attempt_entry_add",
    "attempt_entry_remove",
    "attempt_finish",
    "attempt_rescore",
    "attempt_save_answers",
    "attempt_start",
    "comment_add",
    "instrument_version_ensure",
    "missing_items",
]
