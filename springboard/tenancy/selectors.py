"""Reads about agencies and memberships; each starts from the tenant or the signed-in person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from springboard.accounts.models import Invitation, User
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role


def active_memberships_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.select_related("agency")
        .filter(user=user, is_active=True)
        .order_by("agency__name")
    )


MEMBER_SORTS = {
    "name": ("full_name", "user__email"),
    "-name": ("-full_name", "-user__email"),
    "email": ("user__email",),
    "-email": ("-user__email",),
    "role": ("role", "user__email"),
    "-role": ("-role", "user__email"),
    "joined": ("created_at",),
    "-joined": ("-created_at",),
}


def members_of(
    agency: Agency, *, search: str = "", role: str = "", status: str = "", sort: str = "name"
) -> QuerySet[Membership]:
    members = Membership.objects.select_related("user", "employer").filter(agency=agency)
    if search:
        members = members.filter(Q(user__email__icontains=search) | Q(full_name__icontains=search))
    if role:
        members = members.filter(role=role)
    if status == "active":
        members = members.filter(is_active=True)
    elif status == "inactive":
        members = members.filter(is_active=False)
    # Sort keys come from a fixed table: nothing the user typed reaches order_by().
    return members.order_by(*MEMBER_SORTS.get(sort, MEMBER_SORTS["name"]))


@dataclass(frozen=True)
class AgencyOverview:
    admins: int
    coaches: int
    employer_contacts: int
    candidates: int
    employers: int
    open_invitations: int


def agency_overview(agency: Agency) -> AgencyOverview:
    counts = Membership.objects.filter(agency=agency, is_active=True).aggregate(
        admins=Count("pk", filter=Q(role=Role.ADMIN)),
        coaches=Count("pk", filter=Q(role=Role.COACH)),
        employer_contacts=Count("pk", filter=Q(role=Role.EMPLOYER_CONTACT)),
        candidates=Count("pk", filter=Q(role=Role.CANDIDATE)),
    )
    return AgencyOverview(
        employers=agency.employers.count(),
        open_invitations=agency.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count(),
        **counts,
    )


def pending_invitations(agency: Agency) -> QuerySet[Invitation]:
    """Invitations of the agency that can still be accepted, newest first."""
    return (
        Invitation.objects.filter(
            agency=agency,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("employer")
        .order_by("-created_at", "pk")
    )
