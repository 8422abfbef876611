"""Request ids → this agency's employer objects (else 404), or 403 without the capability."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from springboard.employers.models import (
    ChecklistOwner,
    Cohort,
    CohortTask,
    Engagement,
    Enrolment,
    EnrolmentImport,
)
from springboard.tenancy.access import current_membership
from springboard.tenancy.models import Employer, Membership
from springboard.tenancy.roles import Cap, Role


def _get[M: Model](request: HttpRequest, queryset: QuerySet[M], public_id: UUID, need: Cap) -> M:
    viewer = current_membership(request)
    found = queryset.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return found


def get_employer(request: HttpRequest, public_id: UUID, *, need: Cap) -> Employer:
    agency = current_membership(request).agency
    return _get(request, Employer.objects.filter(agency=agency), public_id, need)


def get_engagement(request: HttpRequest, public_id: UUID, *, need: Cap) -> Engagement:
    agency = current_membership(request).agency
    return _get(
        request,
        Engagement.objects.select_related("employer").filter(agency=agency),
        public_id,
        need,
    )


def get_cohort(request: HttpRequest, public_id: UUID, *, need: Cap) -> Cohort:
    agency = current_membership(request).agency
    return _get(
        request,
        Cohort.objects.select_related("engagement__employer").filter(engagement__agency=agency),
        public_id,
        need,
    )


def get_cohort_task(request: HttpRequest, public_id: UUID, *, need: Cap) -> CohortTask:
    agency = current_membership(request).agency
    return _get(
        request,
        CohortTask.objects.select_related("cohort__engagement").filter(
            cohort__engagement__agency=agency
        ),
        public_id,
        need,
    )


def get_import(request: HttpRequest, public_id: UUID, *, need: Cap) -> EnrolmentImport:
    agency = current_membership(request).agency
    return _get(
        request,
        EnrolmentImport.objects.select_related("engagement__employer", "cohort").filter(
            agency=agency
        ),
        public_id,
        need,
    )


def get_enrolment(request: HttpRequest, public_id: UUID, *, need: Cap) -> Enrolment:
    agency = current_membership(request).agency
    return _get(
        request,
        Enrolment.objects.select_related(
            "candidate__user", "engagement__employer", "cohort"
        ).filter(agency=agency),
        public_id,
        need,
    )


def own_enrolments(request: HttpRequest, *, need: Cap) -> QuerySet[Enrolment]:
    """A candidate's own enrolments; nobody else's are reachable from here."""
    viewer = current_membership(request)
    if not viewer.has(need):
        raise PermissionDenied
    return Enrolment.objects.select_related("engagement__employer").filter(candidate=viewer)


def _checklist_scope(viewer: Membership) -> Q:
    """Whose cohorts a viewer reaches for their checklist: an admin every cohort of the agency,
    an employer contact only those of their own employer's engagements (others → 404)."""
    scope = Q(engagement__agency=viewer.agency)
    if not viewer.has(Cap.MANAGE_EMPLOYERS) and viewer.role == Role.EMPLOYER_CONTACT:
        scope &= Q(engagement__employer_id=viewer.employer_id)
    return scope


def _may_see_checklist(viewer: Membership) -> bool:
    return viewer.has(Cap.MANAGE_EMPLOYERS) or viewer.has(Cap.EMPLOYER_CHECKLIST)


def get_checklist_cohort(request: HttpRequest, public_id: UUID) -> Cohort:
    """A cohort for its page: admins (everything) and its employer's contacts (the checklist)."""
    viewer = current_membership(request)
    cohort = (
        Cohort.objects.select_related("engagement__employer")
        .filter(_checklist_scope(viewer), public_id=public_id)
        .first()
    )
    if cohort is None:
        raise Http404
    if not _may_see_checklist(viewer):
        raise PermissionDenied
    return cohort


def get_checklist_task(request: HttpRequest, public_id: UUID) -> CohortTask:
    """A preparation step to tick: admins any step, an employer contact only the employer's
    steps of their own employer's cohorts (another employer's → 404, the agency's → 403)."""
    viewer = current_membership(request)
    scope = _checklist_scope(viewer)
    task = (
        CohortTask.objects.select_related("cohort__engagement")
        .filter(
            cohort__in=Cohort.objects.filter(scope).values("pk"),
            public_id=public_id,
        )
        .first()
    )
    if task is None:
        raise Http404
    if viewer.has(Cap.MANAGE_EMPLOYERS):
        return task
    if not viewer.has(Cap.EMPLOYER_CHECKLIST) or task.owner_side != ChecklistOwner.EMPLOYER:
        raise PermissionDenied
    return task


def own_cohorts(request: HttpRequest) -> QuerySet[Cohort]:
    """An employer contact's cohorts: those of their own employer's engagements."""
    viewer = current_membership(request)
    if not viewer.has(Cap.EMPLOYER_CHECKLIST):
        raise PermissionDenied
    if viewer.employer_id is None:
        return Cohort.objects.none()
    return Cohort.objects.select_related("engagement").filter(
        engagement__agency=viewer.agency, engagement__employer_id=viewer.employer_id
    )
