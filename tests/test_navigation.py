"""The menu offers each role exactly the pages it may open: every item answers 200 to that role
in the permission matrix, and no page the matrix opens to the role is hidden from its menu."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from springboard.home.context_processors import _TENANT_NAV, NavGroup, navigation
from springboard.tenancy.models import Membership
from tests.factories import World
from tests.permission_matrix import MATRIX

pytestmark = pytest.mark.django_db


def _menu_of(membership: Membership) -> dict[str, object]:
    request = RequestFactory().get("/")
    request.membership = membership  # type: ignore[attr-defined]
    request.resolver_match = None
    return navigation(request)


@pytest.mark.parametrize("role", ["admin", "coach", "employer_contact", "candidate"])
def test_every_menu_item_opens_for_the_role(world: World, role: str) -> None:
    membership: Membership = getattr(world.a, "contact" if role == "employer_contact" else role)
    shown = {item.url for item in _menu_of(membership)["nav_items"]}  # type: ignore[attr-defined]
    allowed = set()
    for _label, url_name, _cap, _highlights in _TENANT_NAV:
        if MATRIX[(url_name, "GET")][role].get("own_agency") == 200:
            allowed.add(reverse(url_name, kwargs={"agency_slug": membership.agency.slug}))
    assert shown == allowed


def test_a_menu_group_holds_at_least_two_items(world: World) -> None:
    for role in ("admin", "coach", "candidate"):
        for entry in _menu_of(getattr(world.a, role))["nav_entries"]:  # type: ignore[attr-defined]
            if isinstance(entry, NavGroup):
                assert len(entry.items) >= 2, (role, entry.label)
