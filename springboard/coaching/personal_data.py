"""Personal data held by the coaching app: sessions, notes, budget, and coaches' own records."""

from __future__ import annotations

from springboard.coaching.models import (
    Availability,
    BudgetEntry,
    CalendarFeed,
    CoachChangeRequest,
    CoachProfile,
    Note,
    Session,
    SessionRating,
    TrainingRequest,
    WorkshopSeat,
)
from springboard.privacy.declarations import RetentionKind, personal_data

CANDIDATE = "programme__candidate"

# Invoicing counts attended coaching hours, booked seats and budget spent: those rows stay with
# what describes the person removed.
personal_data(
    Session,
    subject=CANDIDATE,
    export_as="coaching",
    retention=RetentionKind.COACHING,
    on_erase="anonymise",
    anonymise={"place": "", "video_link": "", "phone": "", "status_reason": ""},
    exclude=("sequence", "reminder_sent_for"),
)
personal_data(
    SessionRating,
    subject="session__programme__candidate",
    export_as="coaching",
    retention=RetentionKind.COACHING,
    on_erase="anonymise",
    anonymise={"comment": ""},
)
personal_data(
    WorkshopSeat,
    subject=CANDIDATE,
    export_as="coaching",
    retention=RetentionKind.COACHING,
    on_erase="keep",
    reason=(
        "invoicing counts booked seats; a seat holds only its status and attendance, nothing "
        "about the person once the programme is anonymised"
    ),
)
# Notes private to the coaches are the coaches' working notes: the export carries the shared
# ones only (springboard/privacy/exports/builder.py), erasure removes all.
personal_data(Note, subject=CANDIDATE, export_as="coaching", retention=RetentionKind.COACHING)
personal_data(
    CoachChangeRequest, subject=CANDIDATE, export_as="coaching", retention=RetentionKind.COACHING
)
personal_data(
    BudgetEntry,
    subject=CANDIDATE,
    export_as="budget",
    retention=RetentionKind.PLAN,
    on_erase="anonymise",
    anonymise={"description": ""},
)
personal_data(TrainingRequest, subject=CANDIDATE, export_as="budget", retention=RetentionKind.PLAN)
# A coach's own records.
personal_data(
    CoachProfile,
    subject="coach",
    export_as="work",
    retention=RetentionKind.ACCOUNT,
    files=("photo",),
)
personal_data(Availability, subject="coach", export_as="work", retention=RetentionKind.ACCOUNT)
personal_data(
    CalendarFeed,
    subject="member",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    # The hash of the secret feed address.
    exclude=("token_sha256",),
)
