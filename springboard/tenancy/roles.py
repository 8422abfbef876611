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
    MANAGE_EMPLOYERS = "manage_employers"
    ENROL_CANDIDATES = "enrol_candidates"
    MANAGE_CHECKLISTS = "manage_checklists"
    GIVE_EMPLOYER_CONSENT = "give_employer_consent"
    # An employer contact: their own employer's cohorts' checklists; ticks the employer's steps.
    EMPLOYER_CHECKLIST = "employer_checklist"
    # Programmes: which programmes a person reaches is decided by scope (programmes/access.py).
    VIEW_PROGRAMME = "view_programme"
    MANAGE_PROGRAMMES = "manage_programmes"
    # Who coaches a programme: admins for any, coaches for programmes they coach (scope).
    ASSIGN_COACHES = "assign_coaches"
    MANAGE_PROGRAMME_TEMPLATES = "manage_programme_templates"
    RUN_INTAKE = "run_intake"
    EDIT_PLAN = "edit_plan"
    TICK_TASKS = "tick_tasks"
    CHANGE_PROGRAMME_STATUS = "change_programme_status"
    WELLBEING_CHECKIN = "wellbeing_checkin"
    VIEW_WELLBEING = "view_wellbeing"
    # The candidate's own work: competence profile, CV uploads, tests, opportunities, network.
    OWN_CANDIDATE_WORK = "own_candidate_work"
    # A coach reads, comments on and confirms the work of the candidates they coach (scope).
    REVIEW_CANDIDATE_WORK = "review_candidate_work"


ROLE_CAPABILITIES: MappingProxyType[str, frozenset[Cap]] = MappingProxyType(
    {
        Role.ADMIN: frozenset(
            {
                Cap.VIEW_HOME,
                Cap.MANAGE_MEMBERS,
                Cap.VIEW_AUDIT,
                Cap.VIEW_CASELOAD,
                Cap.VIEW_PROGRAMME,
                Cap.MANAGE_PROGRAMMES,
                Cap.ASSIGN_COACHES,
                Cap.MANAGE_PROGRAMME_TEMPLATES,
                Cap.RUN_INTAKE,
                Cap.EDIT_PLAN,
                Cap.CHANGE_PROGRAMME_STATUS,
                Cap.MANAGE_EMPLOYERS,
                Cap.ENROL_CANDIDATES,
                Cap.MANAGE_CHECKLISTS,
            }
        ),
        Role.COACH: frozenset(
            {
                Cap.VIEW_HOME,
                Cap.VIEW_CASELOAD,
                Cap.VIEW_PROGRAMME,
                Cap.ASSIGN_COACHES,
                Cap.RUN_INTAKE,
                Cap.EDIT_PLAN,
                Cap.TICK_TASKS,
                Cap.CHANGE_PROGRAMME_STATUS,
                Cap.VIEW_WELLBEING,
                Cap.REVIEW_CANDIDATE_WORK,
            }
        ),
        Role.EMPLOYER_CONTACT: frozenset(
            {Cap.VIEW_HOME, Cap.VIEW_EMPLOYER_AGGREGATES, Cap.EMPLOYER_CHECKLIST}
        ),
        Role.CANDIDATE: frozenset(
            {
                Cap.VIEW_HOME,
                Cap.VIEW_OWN_PROGRAMME,
                Cap.VIEW_PROGRAMME,
                Cap.TICK_TASKS,
                Cap.WELLBEING_CHECKIN,
                Cap.GIVE_EMPLOYER_CONSENT,
                Cap.OWN_CANDIDATE_WORK,
            }
        ),
    }
)


def capabilities_of(role: str) -> frozenset[Cap]:
    return ROLE_CAPABILITIES.get(role, frozenset())
