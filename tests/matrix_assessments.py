"""Permission-matrix rows and URL arguments for the assessments app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object, missing_object), and
  same_agency   for staff: an attempt (or programme) of agency A's candidate, which is not theirs

Candidates work on their own attempts only: another person's attempt is a 404 for everybody but
its owner (lookup first). Coaches read through a programme they coach; admins reach the
programme but lack the capability (403): they never see a candidate's answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from springboard.assessments import services
from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt, Instrument
from springboard.programmes.models import Programme
from springboard.tenancy.models import Membership
from tests.factories import World, make_programme

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")
FIXTURES = Path(__file__).parent / "fixtures" / "assessments"


def candidate_page(ok: int, *, anonymous: int = 302, missing: bool = False) -> Expectations:
    """A page of the candidate's own work without an object (or with an instrument slug)."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    if missing:
        for role in ROLES:
            table[role]["missing_object"] = 404
    table["anonymous"] = {"any": anonymous}
    return table


def own_attempt(ok: int, *, anonymous: int = 302) -> Expectations:
    """An attempt: only its owner reaches it; anybody else's → 404, like a missing id."""
    staff = {"same_agency": 404, "other_agency_object": 404, "other_agency": 404}
    table: Expectations = {role: dict(staff) for role in ROLES}
    table["candidate"] = {
        "self": ok,
        "other": 404,
        "other_agency_object": 404,
        "other_agency": 404,
        "missing_object": 404,
    }
    table["anonymous"] = {"any": anonymous}
    return table


def coached(coach: int, *, anonymous: int = 302, attempt: bool = False) -> Expectations:
    """Through a programme: its coaches only; admins 403, everyone out of scope 404."""
    coach_table = {
        "assigned": coach,
        "unassigned": 404,
        "other_agency_object": 404,
        "other_agency": 404,
    }
    if attempt:
        coach_table["missing_object"] = 404
    return {
        "admin": {"same_agency": 403, "other_agency_object": 404, "other_agency": 404},
        "coach": coach_table,
        "employer_contact": {"same_agency": 404, "other_agency": 404},
        "candidate": {
            "self": 403,
            "other": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "anonymous": {"any": anonymous},
    }


PAGE_ROWS: dict[tuple[str, str], Expectations] = {
    ("assessments:list", "GET"): candidate_page(200),
    ("assessments:instrument", "GET"): candidate_page(200, missing=True),
    # Starts (or continues) an attempt, back to the instrument's page.
    ("assessments:instrument", "POST"): candidate_page(302, missing=True),
    # An empty page of answers saves nothing new and goes back to the page.
    ("assessments:save", "POST"): own_attempt(302),
    # An empty entry form is refused with its errors.
    ("assessments:entries", "POST"): own_attempt(400),
    ("assessments:result", "GET"): own_attempt(200),
    ("assessments:coach_results", "GET"): coached(200),
    ("assessments:coach_attempt", "GET"): coached(200, attempt=True),
    # An empty comment is refused with the form's error.
    ("assessments:comment", "POST"): coached(400, attempt=True),
}
API_ROWS: dict[tuple[str, str], Expectations] = {
    ("api:assessment_instruments", "GET"): candidate_page(200),
    ("api:assessment_instrument", "GET"): candidate_page(200, missing=True),
    ("api:assessment_start", "POST"): candidate_page(200, missing=True),
    ("api:assessment_attempt", "GET"): own_attempt(200),
    ("api:assessment_answers", "PATCH"): own_attempt(200),
    ("api:assessment_finish", "POST"): own_attempt(200),
    ("api:assessment_coach_attempts", "GET"): coached(200),
    ("api:assessment_coach_attempt", "GET"): coached(200, attempt=True),
}
MATRIX: dict[tuple[str, str], Expectations] = {
    **PAGE_ROWS,
    # The API answers anonymous callers 401 itself instead of redirecting to a login page.
    **{key: {**table, "anonymous": {"any": 401}} for key, table in API_ROWS.items()},
}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:assessment_answers": {"answers": {"1": 3, "2": 4}},
}

_INSTRUMENT_URLS = {"instrument", "assessment_instrument", "assessment_start"}
_ATTEMPT_URLS = {
    "save",
    "entries",
    "result",
    "assessment_attempt",
    "assessment_answers",
    "assessment_finish",
}
_PROGRAMME_URLS = {
    "coach_results",
    "coach_attempt",
    "comment",
    "assessment_coach_attempts",
    "assessment_coach_attempt",
}
MISSING_ID = "00000000-0000-4000-8000-000000000000"


def _attempt(candidate: Membership, short: str) -> Attempt:
    """An attempt fit for the URL: strengths for entries and comments, a finished Interest
    Profiler for the result page, one ready to finish for the finish call, else one open."""
    key = (
        "strengths" if short in {"entries", "coach_attempt", "comment"} else "interest-profiler-60"
    )
    attempt = services.attempt_start(
        candidate=candidate, instrument=Instrument.objects.get(key=key)
    )
    if short in {"result", "assessment_finish"}:
        answers = {item["key"]: 3 for item in attempt.version.items}
        attempt = services.attempt_save_answers(attempt=attempt, answers=answers)
        if short == "result":
            attempt = services.attempt_finish(attempt=attempt, actor=candidate)
    return attempt


def _owner(relation: str, world: World) -> Membership:
    if relation in {"other_agency", "other_agency_object"}:
        return world.b.candidate
    if relation in {"other", "unassigned"}:
        return world.a.candidate2
    return world.a.candidate


def _programme(relation: str, world: World) -> Programme:
    if relation in {"other_agency", "other_agency_object"}:
        return make_programme(world.b, candidate=world.b.candidate, coaches=[world.b.coach])
    if relation in {"other", "unassigned"}:
        return make_programme(world.a, candidate=world.a.candidate2, coaches=[world.a.coach2])
    return make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    import_instruments(FIXTURES, lambda line: None)
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short in _INSTRUMENT_URLS:
        missing = relation == "missing_object"
        kwargs["instrument"] = "no-such-questionnaire" if missing else "interest-profiler-60"
    elif short in _ATTEMPT_URLS:
        missing = relation == "missing_object"
        attempt_id = MISSING_ID if missing else _attempt(_owner(relation, world), short).public_id
        kwargs["attempt_id"] = attempt_id
    elif short in _PROGRAMME_URLS:
        programme = _programme(relation, world)
        is_api = short.startswith("assessment_")
        kwargs["programme_id" if is_api else "public_id"] = programme.public_id
        if short in {"coach_attempt", "comment", "assessment_coach_attempt"}:
            if relation == "missing_object":
                kwargs["attempt_id"] = MISSING_ID
            else:
                kwargs["attempt_id"] = _attempt(programme.candidate, short).public_id
    elif short not in {"list", "assessment_instruments"}:
        raise KeyError(name)
    return kwargs
