"""Request ids → taxonomy concepts. Any member of the agency in the URL may read them.

The taxonomy is global reference data, so there is no "other agency's object": a missing id
is a 404, a viewer without the capability a 403 (after the lookup, as everywhere else).
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from springboard.taxonomy.models import Occupation, Skill
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap

# Every role may browse occupations and skills (the candidate's own career search included).
BROWSE = Cap.VIEW_HOME


def _get[M: Model](request: HttpRequest, queryset: QuerySet[M], public_id: UUID) -> M:
    viewer = current_membership(request)
    found = queryset.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    if not viewer.has(BROWSE):
        raise PermissionDenied
    return found


def require_browse(request: HttpRequest) -> None:
    if not current_membership(request).has(BROWSE):
        raise PermissionDenied


def get_occupation(request: HttpRequest, public_id: UUID) -> Occupation:
    return _get(request, Occupation.objects.select_related("isco_group", "broader"), public_id)


def get_skill(request: HttpRequest, public_id: UUID) -> Skill:
    return _get(request, Skill.objects.all(), public_id)
