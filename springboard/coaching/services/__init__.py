"""Writes about coaching, one module per concern; this package only re-exports them.

- `sessions`: booking, proposing, confirming, rescheduling, cancelling, attendance, ratings.
- `notes`: coach notes (private or shared) and action items that become plan tasks.
- `calendar`: the secret feed token (hashed), regenerate and revoke.
- `coaches`: profiles, photos, availability, the coach-choice policy, choosing and changing.
- `workshops`: the catalogue, dates, sign-ups with a waiting list, attendance, materials.
- `budget`: the personal-budget ledger (immutable entries) and external-training requests.
"""

from springboard.coaching.services.budget import (
    budget_correct,
    budget_grant,
    budget_spend,
    training_decide,
    training_request_create,
)
from springboard.coaching.services.calendar import feed_regenerate, feed_revoke
from springboard.coaching.services.coaches import (
    availability_set,
    change_request_create,
    change_request_decide,
    coach_choose,
    policy_set,
    profile_save,
)
from springboard.coaching.services.notes import note_add
from springboard.coaching.services.sessions import (
    session_attendance,
    session_book,
    session_cancel,
    session_confirm,
    session_rate,
    session_reminders_enqueue,
    session_reschedule,
)
from springboard.coaching.services.workshops import (
    material_add,
    seat_attendance,
    seat_cancel,
    workshop_create,
    workshop_date_add,
    workshop_signup,
)

__all__ = [
    "availability_set",
    "budget_correct",
    "budget_grant",
    "budget_spend",
    "change_request_create",
    "change_request_decide",
    "coach_choose",
    "feed_regenerate",
    "feed_revoke",
    "material_add",
    "note_add",
    "policy_set",
    "profile_save",
    "seat_attendance",
    "seat_cancel",
    "session_attendance",
    "session_book",
    "session_cancel",
    "session_confirm",
    "session_rate",
    "session_reminders_enqueue",
    "session_reschedule",
    "training_decide",
    "training_request_create",
    "workshop_create",
    "workshop_date_add",
    "workshop_signup",
]
