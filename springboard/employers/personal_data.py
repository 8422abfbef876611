"""Personal data held by the employers app: enrolments and the employer's contacts."""

from __future__ import annotations

from springboard.employers.models import CohortTask, Engagement, Enrolment, EnrolmentImport
from springboard.privacy.declarations import RetentionKind, out_of_scope, personal_data

personal_data(
    Enrolment,
    subject="candidate",
    export_as="enrolment",
    retention=RetentionKind.ACCOUNT,
    # The employer's report counts enrolments: the row stays without what identifies the person.
    on_erase="anonymise",
    anonymise={
        "employee_number": "",
        "phone": "",
        "job_title": "",
        "department": "",
        "location": "",
        "source_fingerprint": "",
    },
    # A hash of the HR-file row used to recognise a re-import; it says nothing to the person.
    exclude=("source_fingerprint",),
)
personal_data(
    Engagement.contacts.through,
    subject="membership",
    export_as="work",
    retention=RetentionKind.ACCOUNT,
    on_erase="delete",
)
out_of_scope(
    CohortTask,
    reason=(
        "a step of a cohort's layoff checklist; it names the staff member or employer contact "
        "responsible (their name lives on their membership, exported and erased there) and "
        "describes the layoff, not a person"
    ),
)
out_of_scope(
    EnrolmentImport,
    reason=(
        "an employer's HR file for a whole cohort uploaded by staff: nobody's own record; each "
        "person's row in it became their enrolment, which is exported and erased"
    ),
)
