"""The candidate's consent to named status reporting, per enrolment, asked through the one
consent model (`springboard.privacy.consents`). An employer sees a person's status only while
this consent is granted and the engagement's reporting level names people. Reads only: the
candidate changes it through `services.enrolment_set_employer_consent`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from springboard.employers.models import Enrolment
from springboard.privacy.consents.selectors import consented, has_consent
from springboard.privacy.models.consents import ConsentPurpose

PURPOSE = ConsentPurpose.EMPLOYER_NAMED_REPORTING


def employer_may_see_status() -> Exists:
    """For Enrolment querysets: whether the candidate lets the employer see this enrolment's
    status (annotate or filter with it)."""
    return consented(PURPOSE, membership=OuterRef("candidate"), scope=OuterRef("public_id"))


def may_see_status(enrolment: Enrolment) -> bool:
    return has_consent(enrolment.candidate, PURPOSE, enrolment.public_id)


def scope_label(enrolment: Enrolment) -> str:
    return f"{enrolment.engagement.employer.name} — {enrolment.engagement.name}"
