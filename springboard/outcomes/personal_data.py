"""Personal data held by the outcomes app: the outcome, aftercare check-ins, coach digests."""

from __future__ import annotations

from springboard.outcomes.models import CheckIn, CoachDigest, Outcome
from springboard.privacy.declarations import RetentionKind, personal_data

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
