"""Personal data held by the outcomes app: the outcome, aftercare check-ins, coach digests."""

from __future__ import annotations

from springboard.outcomes.models import CheckIn, CoachDigest, Outcome, ReportRollup
from springboard.privacy.declarations import RetentionKind, out_of_scope, personal_data

# Employer reports count outcomes and check-in answers: they stay, without the words that
# describe the person.
personal_data(
    Outcome,
    subject="programme__candidate",
    export_as="outcomes",
    retention=RetentionKind.OUTCOMES,
    on_erase="anonymise",
    anonymise={"employer_name": "", "note": ""},
)
personal_data(
    CheckIn,
    subject="programme__candidate",
    export_as="outcomes",
    retention=RetentionKind.OUTCOMES,
    on_erase="keep",
    reason=(
        "employer reports count the answers; a check-in holds only yes/no answers, a 1-5 "
        "rating and dates, nothing that identifies the person once the programme is anonymised"
    ),
)
personal_data(CoachDigest, subject="coach", export_as="work", retention=RetentionKind.ACCOUNT)
out_of_scope(
    ReportRollup,
    reason=(
        "counts per engagement and cohort (people by stage, outcomes by kind, check-in "
        "answers, a histogram of days to placement): no row names or points to a person, "
        "and it is recomputed from the records whenever they change"
    ),
)
