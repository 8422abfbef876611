"""Reads about employers, engagements, cohorts and enrolments; each starts from the tenant."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from springboard.employers.consents import employer_may_see_status
from springboard.employers.importing.validation import CleanRow, ExistingPeople
from springboard.employers.models import (
    ChecklistOwner,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Cohort,
    CohortTask,
    Engagement,
    Enrolment,
    EnrolmentImport,
)
from springboard.tenancy.models import Agency, Employer, Membership
from springboard.tenancy.roles import Role


def employers_of(agency: Agency, *, search: str = "") -> QuerySet[Employer]:
    employers = Employer.objects.filter(agency=agency).annotate(
        engagement_count=Count("engagements", distinct=True)
    )
    if search:
        employers = employers.filter(name__icontains=search)
    return employers.order_by("name")


def engagements_of(employer: Employer) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(employer=employer)
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            enrolment_count=Count("enrolments", distinct=True),
        )
        .order_by("-start_date", "name")
    )


def cohorts_of(engagement: Engagement) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(engagement=engagement)
        .annotate(
            enrolment_count=Count("enrolments", distinct=True),
            open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True), distinct=True),
        )
        .order_by("notice_date", "name")
    )


def cohort_tasks(cohort: Cohort) -> QuerySet[CohortTask]:
    return cohort.tasks.select_related("owner__user", "done_by").order_by("due_date", "position")


def enrolments_of(
    engagement: Engagement, *, cohort: Cohort | None = None, search: str = ""
) -> QuerySet[Enrolment]:
    """The engagement's enrolments, each with `named_reporting`: the candidate's consent to show
    their status to the employer (shown read-only to the agency)."""
    enrolments = (
        Enrolment.objects.select_related("candidate__user", "cohort")
        .filter(engagement=engagement)
        .annotate(named_reporting=employer_may_see_status())
    )
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    if search:
        enrolments = enrolments.filter(
            Q(candidate__full_name__icontains=search)
            | Q(candidate__user__email__icontains=search)
            | Q(employee_number__icontains=search)
        )
    return enrolments.order_by("candidate__full_name", "pk")


def imports_of(engagement: Engagement) -> QuerySet[EnrolmentImport]:
    return (
        EnrolmentImport.objects.filter(engagement=engagement)
        .select_related("uploaded_by", "cohort")
        .defer("content")
        .order_by("-created_at")
    )


def existing_people(engagement: Engagement, emails: Iterable[str]) -> ExistingPeople:
    # Staff are few: find the agency's staff e-mails once instead of looking up every row.
    wanted = {e for e in emails if e}
    staff = {
        email
        for email in Membership.objects.filter(agency_id=engagement.agency_id)
        .exclude(role=Role.CANDIDATE)
        .values_list("user__email", flat=True)
        if email in wanted
    }
    numbers = dict(
        Enrolment.objects.filter(engagement=engagement)
        .exclude(employee_number="")
        .values_list("employee_number", "candidate__user__email")
    )
    return ExistingPeople(staff_emails=frozenset(staff), employee_numbers=numbers)


def preview_counts(engagement: Engagement, rows: list[CleanRow]) -> dict[str, int]:
    """How many rows would create, change or leave alone an enrolment."""
    fingerprints = dict(
        Enrolment.objects.filter(engagement=engagement).values_list(
            "candidate__user__email", "source_fingerprint"
        )
    )
    new = changed = unchanged = 0
    for row in rows:
        known = fingerprints.get(row.email)
        if known is None:
            new += 1
        elif known == row.fingerprint:
            unchanged += 1
        else:
            changed += 1
    return {"new": new, "changed": changed, "unchanged": unchanged}


# --- preparation checklists ----------------------------------------------------------------

# The preparation steps an agency starts with; agencies edit their own copy.
DEFAULT_CHECKLIST = (
    (gettext_noop("Plan the notice conversations"), ChecklistOwner.AGENCY, 14),
    (gettext_noop("Brief the managers who give the notice"), ChecklistOwner.EMPLOYER, 7),
    (gettext_noop("Agree the internal and external communication"), ChecklistOwner.EMPLOYER, 7),
    (gettext_noop("Enrol the people affected"), ChecklistOwner.AGENCY, 3),
    (gettext_noop("Print the day-0 invitations"), ChecklistOwner.AGENCY, 1),
    (
        gettext_noop("Hand out the invitations at the notice conversations"),
        ChecklistOwner.EMPLOYER,
        0,
    ),
)


def checklist_items_of(agency: Agency) -> list[ChecklistTemplateItem]:
    """The agency's checklist steps, in order; the defaults (unsaved) until it saves its own.
    Reading never writes: the template is stored when the agency first saves it."""
    template = ChecklistTemplate.objects.filter(agency=agency).first()
    if template is not None:
        return list(template.items.all())
    return [
        ChecklistTemplateItem(title=_(title), owner=owner, days_before_notice=days, position=index)
        for index, (title, owner, days) in enumerate(DEFAULT_CHECKLIST)
    ]
