"""From request ids to network objects.

A candidate's contacts, outreach, uploads and log belong to that candidate alone: any other
viewer (another candidate, a coach, an admin, another agency) gets the 404 of a missing id. A
coach reaches a candidate's network through a programme they coach (`get_coached_programme`).
Whether the network is shared is the selectors' business (a page that says it is not).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest

from springboard.network.models import Contact, ContactImport, Interaction, LoggedActivity
from springboard.programmes import access as programme_access
from springboard.programmes.models import Programme
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap


def _owned[M: Model](request: HttpRequest, model: type[M], public_id: UUID, **filters: Any) -> M:
    viewer = current_membership(request)
    found = model._default_manager.filter(owner=viewer, public_id=public_id, **filters).first()
    if found is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return found


def get_contact(request: HttpRequest, public_id: UUID) -> Contact:
    return _owned(request, Contact, public_id)


def get_interaction(request: HttpRequest, public_id: UUID) -> Interaction:
    return _owned(request, Interaction, public_id)


def get_import(request: HttpRequest, public_id: UUID) -> ContactImport:
    return _owned(request, ContactImport, public_id, status=ContactImport.Status.PREVIEW)


def get_logged_activity(request: HttpRequest, public_id: UUID) -> LoggedActivity:
    return _owned(request, LoggedActivity, public_id)


def get_coached_programme(request: HttpRequest, public_id: UUID) -> Programme:
    """A programme whose candidate's network the viewing coach may look at: out of the viewer's
    programme scope → 404 (programmes/access.py), a role that does not review candidates' work
    (an admin, the candidate) → 403."""
    programme = programme_access.get_programme(request, public_id, need=Cap.REVIEW_CANDIDATE_WORK)
    require(request, Cap.REVIEW_CANDIDATE_WORK)
    return programme
