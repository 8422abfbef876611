"""Roles and the frozen capability sets they grant.

Views ask for a capability, never for a role, so that what a role may do is decided here once.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Agency admin")
    COACH = "coach", _("Coach")
    EMPLOYER_CONTACT = "employer_contact", _("Employer contact")
    CANDIDATE = "candidate", _("Candidate")


STAFF_ROLES = frozenset({Role.ADMIN, Role.COACH, Role.EMPLOYER_CONTACT})
INVITABLE_ROLES = (Role.ADMIN, Role.COACH, Role.EMPLOYER_CONTACT)


class Cap(StrEnum):
    VIEW_HOME = "view_home"
    MANAGE_MEMBERS = "manage_members"
    VIEW_AUDIT = "view_audit"
    VIEW_CASELOAD = "view_caseload"
    VIEW_EMPLOYER_AGGREGATES = "view_employer_aggregates"
    VIEW_OWN_PROGRAMME = "view_own_programme"


ROLE_CAPABILITIES: MappingProxyType[str, frozenset[Cap]] = MappingProxyType(
    {
        Role.ADMIN: frozenset(
            {Cap.VIEW_HOME, Cap.MANAGE_MEMBERS, Cap.VIEW_AUDIT, Cap.VIEW_CASELOAD}
        ),
        Role.COACH: frozenset({Cap.VIEW_HOME, Cap.VIEW_CASELOAD}),
        Role.EMPLOYER_CONTACT: frozenset({Cap.VIEW_HOME, Cap.VIEW_EMPLOYER_AGGREGATES}),
        Role.CANDIDATE: frozenset({Cap.VIEW_HOME, Cap.VIEW_OWN_PROGRAMME}),
    }
)


def capabilities_of(role: str) -> frozenset[Cap]:
    return ROLE_CAPABILITIES.get(role, frozenset())
