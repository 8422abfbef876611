"""Permission-matrix rows and URL arguments for the privacy app's exports pages.

Relations, beside those in tests/permission_matrix.py:
  self                 the viewing candidate's own export (ready to download)
  requested            an export of candidate2, requested by the viewing admin on their behalf
  other                candidate2's own export: nobody else's business → 404
  other_agency_object  agency A in the URL with an export id of agency B → 404
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from springboard.accounts.models import User
from springboard.privacy.models import ExportJob, ExportStatus
from springboard.tenancy.models import Membership
from tests.factories import World

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")
FIXTURE_FILE = "private/exports/matrix-fixture.zip"


def own_page(ok: int) -> Expectations:
    """Every member may export their own data."""
    table: Expectations = {role: {"own_agency": ok, "other_agency": 404} for role in ROLES}
    table["anonymous"] = {"any": 302}
    return table


def admin_page(ok: int) -> Expectations:
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["admin"]["own_agency"] = ok
    table["anonymous"] = {"any": 302}
    return table


def on_member(ok: int) -> Expectations:
    """A membership of agency A (same_agency_member) or of B under A's URL; admins only."""
    table: Expectations = {
        role: {"same_agency_member": 403, "other_agency_member": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"]["same_agency_member"] = ok
    table["anonymous"] = {"any": 302}
    return table


def on_export(*, admin: int, candidate: int) -> Expectations:
    """Only the person it is about and the admin who requested it reach an export."""
    table: Expectations = {
        role: {"other": 404, "other_agency_object": 404, "other_agency": 404} for role in ROLES
    }
    table["admin"]["requested"] = admin
    table["candidate"]["self"] = candidate
    table["anonymous"] = {"any": 302}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("exports:mine", "GET"): own_page(200),
    ("exports:mine", "POST"): own_page(302),
    ("exports:members", "GET"): admin_page(200),
    # An empty form is refused (200, nothing started).
    ("exports:members", "POST"): admin_page(200),
    ("exports:member_start", "POST"): on_member(302),
    ("exports:detail", "GET"): on_export(admin=200, candidate=200),
    ("exports:download", "GET"): on_export(admin=404, candidate=200),
}
JSON_BODIES: dict[str, dict[str, Any]] = {}


def _ready(membership: Membership, requested_by: User) -> ExportJob:
    existing = ExportJob.objects.filter(membership=membership, requested_by=requested_by).first()
    if existing is not None:
        return existing
    if not default_storage.exists(FIXTURE_FILE):
        default_storage.save(FIXTURE_FILE, ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    now = timezone.now()
    return ExportJob.objects.create(
        agency_id=membership.agency_id,
        membership=membership,
        requested_by=requested_by,
        status=ExportStatus.READY,
        progress=100,
        file=FIXTURE_FILE,
        finished_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )


def _export_for(relation: str, world: World) -> ExportJob:
    a, b = world.a, world.b
    if relation in {"other_agency", "other_agency_object"}:
        return _ready(b.candidate, b.candidate.user)
    if relation == "requested":
        return _ready(a.candidate2, a.admin.user)
    if relation == "other":
        return _ready(a.candidate2, a.candidate2.user)
    return _ready(a.candidate, a.candidate.user)


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short == "member_start":
        member = world.b.candidate if relation == "other_agency_member" else world.a.candidate
        kwargs["membership_id"] = member.public_id
    elif short in {"detail", "download"}:
        kwargs["export_id"] = _export_for(relation, world).public_id
    return kwargs
