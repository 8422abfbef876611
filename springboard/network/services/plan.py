"""The plan's "network" tasks: done once the candidate has mapped enough of their network."""

from __future__ import annotations

from springboard.network.models import Circle, Contact
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership

PLAN_TOOL = "network"
MAPPED_CONTACTS_NEEDED = 10
MAPPED_CIRCLES_NEEDED = 3


def network_is_mapped(owner: Membership) -> bool:
    sorted_contacts = Contact.objects.filter(owner=owner).exclude(circle=Circle.UNSORTED)
    if sorted_contacts.count() < MAPPED_CONTACTS_NEEDED:
        return False
    circles = sorted_contacts.values_list("circle", flat=True).distinct()
    return len(set(circles)) >= MAPPED_CIRCLES_NEEDED


def network_mapped_check(owner: Membership) -> bool:
    """Tick the candidate's "network" plan tasks when the network is mapped; True if it is."""
    if not network_is_mapped(owner):
        return False
    plan_tasks_complete_for_tool(candidate=owner, tool=PLAN_TOOL, actor=owner)
    return True
