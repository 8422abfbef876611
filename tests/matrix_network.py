"""Permission-matrix rows and URL arguments for the network app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object, missing_object). Here:
  self                 the viewing candidate's own contact (interaction, upload, log entry)
  other                another candidate's in agency A → 404
  same_agency          a candidate's object in agency A, viewed by staff → 404 (never theirs)
  assigned/unassigned  a programme the viewing coach does / does not coach
"""

from __future__ import annotations

import datetime
from typing import Any

from springboard.lib.stored_files import save_private
from springboard.network.models import (
    Channel,
    Contact,
    ContactImport,
    Interaction,
    LoggedActivity,
    Purpose,
)
from springboard.tenancy.models import Membership
from tests import matrix_programmes
from tests.factories import World

Expectations = dict[str, dict[str, int]]
STAFF = ("admin", "coach", "employer_contact")


def own_page(ok: int, *, anonymous: int = 302) -> Expectations:
    """A candidate's page or operation without an object: only candidates have the capability."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in STAFF}
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def on_owned(ok: int, *, anonymous: int = 302) -> Expectations:
    """A candidate's object: nobody but its owner reaches it (everyone else: 404)."""
    table: Expectations = {
        role: {"same_agency": 404, "other_agency_object": 404, "other_agency": 404}
        for role in STAFF
    }
    table["candidate"] = {
        "self": ok,
        "other": 404,
        "other_agency_object": 404,
        "other_agency": 404,
    }
    table["anonymous"] = {"any": anonymous}
    return table


def on_coached_programme(ok: int) -> Expectations:
    """A candidate's network through their programme: coaches of that programme only (an admin
    or the candidate reaches the programme but does not review: 403)."""
    return {
        "admin": {"same_agency": 403, "other_agency_object": 404, "other_agency": 404},
        "coach": {
            "assigned": ok,
            "unassigned": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "employer_contact": {"same_agency": 404, "other_agency": 404},
        "candidate": {"self": 403, "other": 404, "other_agency_object": 404, "other_agency": 404},
        "anonymous": {"any": 302},
    }


PAGE_ROWS: dict[tuple[str, str], Expectations] = {
    ("contacts", "GET"): own_page(200),
    ("contact_add", "GET"): own_page(200),
    ("contact_add", "POST"): own_page(200),  # empty form: refused by the form
    ("import", "GET"): own_page(200),
    ("import", "POST"): own_page(200),  # no file: refused by the form
    ("map", "GET"): own_page(200),
    ("introducers", "GET"): own_page(200),
    ("share", "GET"): own_page(200),
    ("share", "POST"): own_page(302),  # no action: nothing changes, back to the page
    ("log", "GET"): own_page(200),
    ("log", "POST"): own_page(200),  # empty form
    ("log_export", "POST"): own_page(200),  # empty: this week's log as CSV
    ("contact_detail", "GET"): on_owned(200),
    ("contact_edit", "GET"): on_owned(200),
    ("contact_edit", "POST"): on_owned(200),  # empty form: refused by the form
    ("contact_circle", "POST"): on_owned(302),  # empty form: an error message, back to the list
    ("contact_delete", "POST"): on_owned(302),
    ("contact_merge", "POST"): on_owned(200),  # no duplicate chosen
    ("interaction_add", "POST"): on_owned(200),  # empty form
    ("draft", "GET"): on_owned(200),
    ("draft", "POST"): on_owned(200),  # empty form
    ("follow_up_done", "POST"): on_owned(302),
    ("import_confirm", "POST"): on_owned(302),
    ("log_delete", "POST"): on_owned(302),
    ("coach_contacts", "GET"): on_coached_programme(200),
}

API_ROWS: dict[tuple[str, str], Expectations] = {
    ("network_contacts", "GET"): own_page(200, anonymous=401),
    ("network_contact_create", "POST"): own_page(201, anonymous=401),
    ("network_contact_import", "POST"): own_page(400, anonymous=401),  # no file sent
    ("network_contact", "GET"): on_owned(200, anonymous=401),
    ("network_contact_update", "PATCH"): on_owned(200, anonymous=401),
    ("network_contact_delete", "DELETE"): on_owned(204, anonymous=401),
    ("network_interactions", "GET"): on_owned(200, anonymous=401),
    ("network_interaction_create", "POST"): on_owned(201, anonymous=401),
    ("activity_log", "GET"): own_page(200, anonymous=401),
    ("activity_log_create", "POST"): own_page(201, anonymous=401),
}

MATRIX: dict[tuple[str, str], Expectations] = {
    **{(f"network:{name}", method): table for (name, method), table in PAGE_ROWS.items()},
    **{(f"api:{name}", method): table for (name, method), table in API_ROWS.items()},
}
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:network_contact_create": {"full_name": "Matrix Person", "circle": "colleagues"},
    "api:network_contact_update": {"company": "Matrix Ltd"},
    "api:network_interaction_create": {
        "channel": "email",
        "date": "2026-01-05",
        "purpose": "first_contact",
        "follow_up_due": "2026-01-12",
    },
    "api:activity_log_create": {"date": "2026-01-05", "kind": "application"},
}

_CONTACT_URLS = {
    "contact_detail",
    "contact_edit",
    "contact_circle",
    "contact_delete",
    "contact_merge",
    "interaction_add",
    "draft",
    "network_contact",
    "network_contact_update",
    "network_contact_delete",
    "network_interactions",
    "network_interaction_create",
}

# Pages on one of a candidate's objects (their URL has `public_id`).
_OBJECT_PAGES = {
    name for (name, _method), table in PAGE_ROWS.items() if "self" in table["candidate"]
} - {"coach_contacts"}


def _owner_for(relation: str, world: World) -> Membership:
    if relation in {"other_agency", "other_agency_object"}:
        return world.b.candidate
    if relation == "other":
        return world.a.candidate2
    return world.a.candidate


def _contact(owner: Membership) -> Contact:
    return Contact.objects.create(
        owner=owner, full_name="Canary Contact", company="Canary Ltd", source="manual"
    )


def _object_id(short: str, owner: Membership) -> Any:
    if short in _CONTACT_URLS:
        return _contact(owner).public_id
    if short == "follow_up_done":
        contact = _contact(owner)
        return Interaction.objects.create(
            owner=owner,
            contact=contact,
            channel=Channel.EMAIL,
            purpose=Purpose.FIRST_CONTACT,
            date=datetime.date(2026, 1, 5),
            follow_up_due=datetime.date(2026, 1, 12),
        ).public_id
    if short == "import_confirm":
        content = b"First Name,Last Name,Company\nAda,Canary,Canary Ltd\n"
        return ContactImport.objects.create(
            owner=owner,
            file_name="Connections.csv",
            content=save_private("contacts", content, extension="csv"),
        ).public_id
    if short == "log_delete":
        return LoggedActivity.objects.create(
            owner=owner, date=datetime.date(2026, 1, 5), kind="application", employer="Canary"
        ).public_id
    raise KeyError(short)


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.split(":", 1)[1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short == "coach_contacts":
        # Through the module, so that a test that prepares one programme for every URL (the
        # layout walk) serves this page with it too.
        kwargs["public_id"] = matrix_programmes._programme_for(relation, world).public_id
    elif name.startswith("network:") and short in _OBJECT_PAGES:
        kwargs["public_id"] = _object_id(short, _owner_for(relation, world))
    elif short in _CONTACT_URLS:
        kwargs["contact_id"] = _object_id(short, _owner_for(relation, world))
    return kwargs
