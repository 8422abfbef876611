"""Request ids → this agency's employer objects (else 404), or 403 without the capability."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from springboard.employers.models import Cohort, CohortTask, Engagement, Enrolment, EnrolmentImport
from springboard.tenancy.access import current_membership
from springboard.tenancy.models import Employer
from springboard.tenancy.roles import Cap


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
