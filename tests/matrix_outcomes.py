"""Permission-matrix rows and URL arguments for the outcomes app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, same_agency,
other_agency, other_agency_object) and, for the aftercare check-in link:
  valid_token         an open check-in link of agency A
  token_other_agency  agency A in the URL, a check-in link issued by agency B
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from springboard.outcomes.models import CheckIn, Outcome, OutcomeKind, OutcomeSource
from springboard.outcomes.tokens import checkin_token
from springboard.programmes.models import Programme, ProgrammeStatus
from tests.factories import AgencyWorld, World, make_programme
from tests.matrix_programmes import on_programme, only, staff_page

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def link_page(ok: int) -> Expectations:
    """The check-in page: no sign-in needed, the link is the key; anyone holding it (signed in
    or not) gets the page, a link of another agency a 404."""
    table: Expectations = {
        role: {"valid_token": ok, "token_other_agency": 404} for role in (*ROLES, "anonymous")
    }
    return table


def api(table: Expectations) -> Expectations:
    """The API answers anonymous callers 401 itself instead of redirecting to a login page."""
    return {**table, "anonymous": {"any": 401}}


MATRIX: dict[tuple[str, str], Expectations] = {
    ("outcomes:dashboard", "GET"): staff_page(200, 200),
    ("outcomes:employer_report", "GET"): only("employer_contact", 200),
    ("outcomes:employer_report_csv", "GET"): only("employer_contact", 200),
    ("outcomes:employer_report_pdf", "GET"): only("employer_contact", 200),
    ("outcomes:invoicing", "GET"): staff_page(200, 403),
    ("outcomes:invoicing_csv", "GET"): staff_page(200, 403),
    ("outcomes:checkin_answer", "GET"): link_page(200),
    # An empty answer is refused by the form (200, nothing stored).
    ("outcomes:checkin_answer", "POST"): link_page(200),
    ("outcomes:outcome_edit", "GET"): on_programme(admin=200, coach=200, candidate=403),
    # An empty form is refused (200, nothing stored).
    ("outcomes:outcome_edit", "POST"): on_programme(admin=200, coach=200, candidate=403),
    ("outcomes:outcome_confirm", "GET"): on_programme(admin=403, coach=403, candidate=200),
    ("outcomes:outcome_confirm", "POST"): on_programme(admin=403, coach=403, candidate=302),
    ("api:programme_outcome", "GET"): api(on_programme(admin=200, coach=200, candidate=200)),
    ("api:programme_outcome_record", "PUT"): api(on_programme(admin=200, coach=200, candidate=403)),
    ("api:programme_outcome_confirm", "POST"): api(
        on_programme(admin=403, coach=403, candidate=200)
    ),
    ("api:outcome_report", "GET"): api(only("employer_contact", 200)),
    ("api:outcome_measures", "GET"): api(staff_page(200, 200)),
}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:programme_outcome_record": {
        "kind": "new_job",
        "start_date": "2026-03-02",
        "employer_name": "Nordlys ApS",
        "contract": "permanent",
    },
}

_PROGRAMME_URLS = {
    "outcome_edit",
    "outcome_confirm",
    "programme_outcome",
    "programme_outcome_record",
    "programme_outcome_confirm",
}


def _active(side: AgencyWorld, **kwargs: Any) -> Programme:
    """The candidate's active programme with a recorded outcome; made once per candidate (the
    layout walk asks again for every role)."""
    existing = Programme.objects.filter(candidate=kwargs["candidate"]).first()
    if existing is not None:
        return existing
    programme = make_programme(side, start_date=datetime.date(2026, 1, 5), **kwargs)
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.ACTIVE)
    programme.refresh_from_db()
    Outcome.objects.create(
        agency_id=programme.agency_id,
        programme=programme,
        kind=OutcomeKind.NEW_JOB,
        start_date=datetime.date(2026, 3, 2),
        employer_name="Nordlys ApS",
        contract="permanent",
        source=OutcomeSource.STAFF,
        recorded_by=side.coach,
        recorded_at=timezone.now(),
    )
    return programme


def _programme_for(relation: str, world: World) -> Programme:
    a, b = world.a, world.b
    if relation in {"other_agency", "other_agency_object"}:
        return _active(b, candidate=b.candidate, coaches=[b.coach])
    if relation in {"unassigned", "other"}:
        return _active(a, candidate=a.candidate2, coaches=[a.coach2])
    return _active(a, candidate=a.candidate, coaches=[a.coach])


def _checkin_token(side: AgencyWorld) -> str:
    programme = _active(side, candidate=side.candidate2, coaches=[side.coach2])
    today = timezone.localdate()
    checkin, _created = CheckIn.objects.get_or_create(
        programme=programme,
        months=1,
        defaults={
            "agency_id": programme.agency_id,
            "due_date": today,
            "expires_on": today + datetime.timedelta(days=30),
            "sent_at": timezone.now(),
        },
    )
    return checkin_token(
        checkin_id=checkin.public_id, programme_id=programme.public_id, agency_slug=side.agency.slug
    )


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short == "checkin_answer":
        kwargs["token"] = _checkin_token(world.b if relation == "token_other_agency" else world.a)
    elif short in _PROGRAMME_URLS:
        key = "programme_id" if name.startswith("api:") else "public_id"
        kwargs[key] = _programme_for(relation, world).public_id
    return kwargs
