"""Writes of the outcomes app: outcome records (`outcomes.py`) and aftercare (`aftercare.py`)."""

from springboard.outcomes.services.aftercare import (
    checkin_answer,
    checkins_enqueue,
    checkins_schedule,
)
from springboard.outcomes.services.outcomes import (
    OutcomeDetails,
    outcome_confirm,
    outcome_propose,
    outcome_record,
)
from springboard.outcomes.services.reminders import RunSummary, outcome_reminders_run

__all__ = [
    "OutcomeDetails",
    "RunSummary",
    "checkin_answer",
    "checkins_enqueue",
    "checkins_schedule",
    "outcome_confirm",
    "outcome_propose",
    "outcome_record",
    "outcome_reminders_run",
]
