"""Personal data held by the programmes app: the candidate's programme, plan and wellbeing."""

from __future__ import annotations

from springboard.privacy.declarations import RetentionKind, out_of_scope, personal_data
from springboard.programmes.models import (
    ActivityEntry,
    BulkStart,
    Intake,
    PlanItem,
    PlanPhase,
    Programme,
    ProgrammeTemplateVersion,
    ReminderSent,
    StatusChange,
    WellbeingCheckIn,
)

CANDIDATE = "programme__candidate"

# Employer reports and invoicing count programmes and their status history: both stay, with
# the words that describe the person removed.
personal_data(
    Programme,
    subject="candidate",
    export_as="programme",
    retention=RetentionKind.PLAN,
    on_erase="anonymise",
    anonymise={"status_reason": ""},
)
personal_data(
    StatusChange,
    subject=CANDIDATE,
    export_as="programme",
    retention=RetentionKind.PLAN,
    on_erase="anonymise",
    anonymise={"reason": ""},
)
personal_data(
    Programme.coaches.through,
    subject=CANDIDATE,
    export_as="programme",
    retention=RetentionKind.PLAN,
    on_erase="keep",
    reason=(
        "who coached a programme stays with the anonymised programme for the agency's caseload "
        "and invoicing figures; it names the coach, not the candidate"
    ),
)
personal_data(Intake, subject=CANDIDATE, export_as="programme", retention=RetentionKind.PLAN)
personal_data(PlanPhase, subject=CANDIDATE, export_as="plan", retention=RetentionKind.PLAN)
personal_data(PlanItem, subject=CANDIDATE, export_as="plan", retention=RetentionKind.PLAN)
personal_data(ActivityEntry, subject=CANDIDATE, export_as="plan", retention=RetentionKind.PLAN)
personal_data(
    ReminderSent,
    subject=CANDIDATE,
    export_as="plan",
    retention=RetentionKind.PLAN,
    # Who received it may be a coach; the item id is an internal key of the plan.
    exclude=("recipient", "item_id"),
)
personal_data(
    WellbeingCheckIn, subject=CANDIDATE, export_as="wellbeing", retention=RetentionKind.WELLBEING
)
out_of_scope(
    ProgrammeTemplateVersion,
    reason=(
        "a version of a programme template written by staff; it describes a programme, not a "
        "person, and its author link is a staff account"
    ),
)
out_of_scope(
    BulkStart,
    reason=(
        "a staff member's run of starting many programmes at once: counts and enrolment ids, no "
        "candidate's data; the requester acts for the agency"
    ),
)
