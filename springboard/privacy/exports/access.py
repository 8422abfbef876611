"""From request ids to exports.

Every member may export what the agency holds about themselves. An agency admin may start an
export for a member who asked (Cap.MANAGE_MEMBERS). Only the person it is about downloads it: it
holds what even the admin may not read (wellbeing check-ins, notes between coach and candidate),
so the admin who prepared it sees its progress, never its contents. Anyone else, and another
agency's export, gets a 404 as for a missing id.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from springboard.privacy.models import ExportJob
from springboard.tenancy.access import current_membership, get_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap


def exporter(request: HttpRequest) -> Membership:
    """The signed-in member, exporting their own data."""
    return current_membership(request)


def admin(request: HttpRequest) -> Membership:
    return require(request, Cap.MANAGE_MEMBERS)


def member(request: HttpRequest, membership_id: UUID) -> Membership:
    return get_membership(request, membership_id, need=Cap.MANAGE_MEMBERS)


def export_of(
    request: HttpRequest, export_id: UUID, *, contents: bool = False
) -> tuple[Membership, ExportJob]:
    """The export, for its person or (progress only, `contents=False`) the admin who asked."""
    viewer = current_membership(request)
    job = (
        ExportJob.objects.select_related("agency", "membership__user")
        .filter(agency_id=viewer.agency_id, public_id=export_id)
        .first()
    )
    if job is None:
        raise Http404
    own = job.membership_id == viewer.pk
    requested = job.requested_by_id == viewer.user_id and viewer.has(Cap.MANAGE_MEMBERS)
    if not (own or (requested and not contents)):
        raise Http404
    return viewer, job
