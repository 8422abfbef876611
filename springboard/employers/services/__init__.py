"""Writes of the employers app, one module per concern; import from here.

- engagements: engagements, cohorts and their preparation checklists
- enrolment: enrolling one person, consent, day-0 invitations
- imports: requests about an enrolment import (upload, columns, start, retry)
- import_steps: the background steps of an import (run by employers/tasks.py)
"""

from springboard.employers.services.engagements import (
    checklist_template_save,
    cohort_create,
    cohort_task_set_done,
    engagement_save,
)
from springboard.employers.services.enrolment import (
    INVITATION_TASK_CHUNK,
    candidate_enrol,
    candidate_invitation_issue,
    enrolment_set_employer_consent,
    open_candidate_invitations,
)
from springboard.employers.services.import_steps import (
    enrolment_import_crashed,
    enrolment_import_read,
    enrolment_import_run,
    enrolment_import_validate,
)
from springboard.employers.services.imports import (
    enrolment_import_check,
    enrolment_import_receive,
    enrolment_import_start,
    enrolment_import_upload,
)

__all__ = [
    "INVITATION_TASK_CHUNK",
    "candidate_enrol",
    "candidate_invitation_issue",
    "checklist_template_save",
    "cohort_create",
    "cohort_task_set_done",
    "engagement_save",
    "enrolment_import_check",
    "enrolment_import_crashed",
    "enrolment_import_read",
    "enrolment_import_receive",
    "enrolment_import_run",
    "enrolment_import_start",
    "enrolment_import_upload",
    "enrolment_import_validate",
    "enrolment_set_employer_consent",
    "open_candidate_invitations",
]
