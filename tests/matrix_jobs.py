"""Permission-matrix rows and URL arguments for the jobs app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object, missing_object). Here:
  same_agency          an agency-wide vacancy of agency A; for a candidate's object viewed by
                       staff: that candidate's application (never theirs → 404)
  self                 the viewing candidate's own application, interview or offer
  other                another candidate's (in agency A) → 404; for a vacancy: another
                       candidate's own vacancy → 404
  assigned/unassigned  a candidate whose programme the viewing coach does / does not coach
Mock interviews follow the same relations: the candidate's side (`on_owned`) reads a shared one
of the relation's candidate; the coach's side (`on_coached_candidate`) a draft in the programme
`matrix_programmes._programme_for` gives the relation (scored in full, so it can be shared).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from springboard.jobs import rubric
from springboard.jobs.models import (
    Application,
    Interview,
    MockInterview,
    MockInterviewScore,
    Offer,
    SavedSearch,
    TargetCompany,
    Vacancy,
)
from springboard.jobs.services import application_create
from springboard.jobs.tokens import unsubscribe_token
from springboard.tenancy.models import Membership
from tests import matrix_programmes
from tests.factories import World

Expectations = dict[str, dict[str, int]]
STAFF = ("admin", "coach", "employer_contact")


def own_page(ok: int, *, anonymous: int = 302) -> Expectations:
    """A candidate's page without an object: only candidates have the capability."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in STAFF}
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def vacancy_keepers(ok: int, *, anonymous: int = 302) -> Expectations:
    """Vacancy pages: admins and coaches (the agency's), candidates (their own); not employers."""
    table: Expectations = {
        role: {"own_agency": ok, "other_agency": 404} for role in ("admin", "coach", "candidate")
    }
    table["employer_contact"] = {"own_agency": 403, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def on_vacancy(*, staff: int, candidate: int, anonymous: int = 302) -> Expectations:
    """An agency-wide vacancy (same_agency) or another candidate's own one (other)."""
    out_of_scope = {"other": 404, "other_agency_object": 404, "other_agency": 404}
    return {
        "admin": {"same_agency": staff, **out_of_scope},
        "coach": {"same_agency": staff, **out_of_scope},
        "employer_contact": {"same_agency": 404, **out_of_scope},
        "candidate": {"same_agency": candidate, **out_of_scope},
        "anonymous": {"any": anonymous},
    }


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


def on_coached_candidate(ok: int, *, anonymous: int = 302) -> Expectations:
    """A candidate's pipeline, for the coaches of their programme only (others who find the
    candidate lack the capability: 403)."""
    return {
        "admin": {"same_agency": 403, "other_agency_object": 404, "other_agency": 404},
        "coach": {
            "assigned": ok,
            "unassigned": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "employer_contact": {"same_agency": 403, "other_agency": 404},
        "candidate": {"self": 403, "other": 403, "other_agency_object": 404, "other_agency": 404},
        "anonymous": {"any": anonymous},
    }


def link_page(ok: int) -> Expectations:
    """The unsubscribe link of a digest e-mail: no sign-in needed, the signed link is the key;
    anyone holding it gets the page, a link issued by another agency a 404."""
    roles = (*STAFF, "candidate", "anonymous")
    return {role: {"valid_token": ok, "token_other_agency": 404} for role in roles}


PAGE_ROWS: dict[tuple[str, str], Expectations] = {
    ("for_you", "GET"): own_page(200),
    ("vacancies", "GET"): vacancy_keepers(200),
    ("vacancy_add", "GET"): vacancy_keepers(200),
    ("vacancy_add", "POST"): vacancy_keepers(200),  # empty form: refused by the form
    ("vacancy_import", "GET"): vacancy_keepers(200),
    ("vacancy_import", "POST"): vacancy_keepers(200),  # nothing sent: refused by the form
    ("vacancy", "GET"): on_vacancy(staff=200, candidate=200),
    ("vacancy_save", "POST"): on_vacancy(staff=403, candidate=302),
    ("applications", "GET"): own_page(200),
    ("application_add", "GET"): own_page(200),
    ("application_add", "POST"): own_page(200),  # empty form
    ("offers", "GET"): own_page(200),
    ("application", "GET"): on_owned(200),
    ("application_move", "POST"): on_owned(200),  # empty form: shown again with errors
    ("interview_add", "POST"): on_owned(200),  # empty form
    ("offer_add", "POST"): on_owned(200),  # empty form
    ("interview", "GET"): on_owned(200),
    ("interview", "POST"): on_owned(200),  # empty form
    ("interview_calendar", "GET"): on_owned(200),
    ("offer_accept", "POST"): on_owned(302),
    ("searches", "GET"): own_page(200),
    ("searches", "POST"): own_page(200),  # empty form
    ("search_digest", "POST"): on_owned(302),
    ("search_delete", "POST"): on_owned(302),
    ("search_unsubscribe", "GET"): link_page(200),
    ("search_unsubscribe", "POST"): link_page(200),
    ("targets", "GET"): own_page(200),
    ("targets", "POST"): own_page(200),  # empty form
    ("target_remove", "POST"): on_owned(302),
    ("candidate_pipeline", "GET"): on_coached_candidate(200),
    ("mock_list", "GET"): own_page(200),
    ("mock_detail", "GET"): on_owned(200),  # shared ones only
    ("mock_coach_list", "GET"): on_coached_candidate(200),
    ("mock_coach_list", "POST"): on_coached_candidate(200),  # empty form
    ("mock_score", "GET"): on_coached_candidate(200),
    ("mock_score", "POST"): on_coached_candidate(200),  # empty form: shown again
    ("mock_share", "POST"): on_coached_candidate(302),
}

API_ROWS: dict[tuple[str, str], Expectations] = {
    ("jobs_vacancies", "GET"): vacancy_keepers(200, anonymous=401),
    ("jobs_vacancy", "GET"): on_vacancy(staff=200, candidate=200, anonymous=401),
    ("jobs_vacancy_import", "POST"): vacancy_keepers(400, anonymous=401),  # no file sent
    ("jobs_for_you", "GET"): own_page(200, anonymous=401),
    ("jobs_applications", "GET"): own_page(200, anonymous=401),
    ("jobs_application_create", "POST"): own_page(201, anonymous=401),
    ("jobs_application", "GET"): on_owned(200, anonymous=401),
    ("jobs_application_move", "POST"): on_owned(200, anonymous=401),
    ("jobs_interview_create", "POST"): on_owned(201, anonymous=401),
    ("jobs_offer_create", "POST"): on_owned(201, anonymous=401),
    ("jobs_interview_outcome", "POST"): on_owned(200, anonymous=401),
    ("jobs_offer_accept", "POST"): on_owned(200, anonymous=401),
    ("jobs_searches", "GET"): own_page(200, anonymous=401),
    ("jobs_search_create", "POST"): own_page(201, anonymous=401),
    ("jobs_search_digest", "POST"): on_owned(200, anonymous=401),
    ("jobs_search_delete", "DELETE"): on_owned(204, anonymous=401),
    ("jobs_targets", "GET"): own_page(200, anonymous=401),
    ("jobs_target_create", "POST"): own_page(201, anonymous=401),
    ("jobs_target_delete", "DELETE"): on_owned(204, anonymous=401),
    ("jobs_candidate_pipeline", "GET"): on_coached_candidate(200, anonymous=401),
    ("jobs_mock_interviews", "GET"): own_page(200, anonymous=401),
    ("jobs_candidate_mock_interviews", "GET"): on_coached_candidate(200, anonymous=401),
    ("jobs_mock_interview_create", "POST"): on_coached_candidate(201, anonymous=401),
    ("jobs_mock_interview_update", "PUT"): on_coached_candidate(200, anonymous=401),
    ("jobs_mock_interview_share", "POST"): on_coached_candidate(200, anonymous=401),
}

MATRIX: dict[tuple[str, str], Expectations] = {
    **{(f"jobs:{name}", method): table for (name, method), table in PAGE_ROWS.items()},
    **{(f"api:{name}", method): table for (name, method), table in API_ROWS.items()},
}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:jobs_application_create": {"title": "Matrix job", "employer": "Matrix Ltd"},
    "api:jobs_application_move": {"status": "applied"},
    "api:jobs_interview_create": {"starts_at": "2030-01-07T10:00:00Z", "kind": "video"},
    "api:jobs_interview_outcome": {"outcome": "next_round"},
    "api:jobs_search_create": {"name": "Matrix search", "q": "clerk", "digest": "weekly"},
    "api:jobs_search_digest": {"digest": "daily"},
    "api:jobs_target_create": {"name": "Matrix Ltd", "size": "small"},
    "api:jobs_mock_interview_create": {"held_on": "2030-01-07"},
    "api:jobs_mock_interview_update": {
        "scores": [{"criterion": "star", "score": 4, "comment": "Clear stories"}],
        "overall_note": "Good start",
        "practise": ["Ask about the team"],
    },
    "api:jobs_offer_create": {
        "contract_type": "permanent",
        "hours_per_week": 37,
        "start_date": "2030-02-01",
    },
}

_VACANCY_URLS = {"vacancy", "vacancy_save", "jobs_vacancy"}
_APPLICATION_URLS = {
    "application",
    "application_move",
    "interview_add",
    "offer_add",
    "jobs_application",
    "jobs_application_move",
    "jobs_interview_create",
    "jobs_offer_create",
}
# The API names its ids after the object.
_API_ID = {
    "jobs_vacancy": "vacancy_id",
    "jobs_candidate_pipeline": "candidate_id",
    "jobs_interview_outcome": "interview_id",
    "jobs_offer_accept": "offer_id",
    "jobs_target_delete": "target_id",
    "jobs_search_digest": "search_id",
    "jobs_search_delete": "search_id",
    "jobs_candidate_mock_interviews": "candidate_id",
    "jobs_mock_interview_create": "candidate_id",
    "jobs_mock_interview_update": "mock_id",
    "jobs_mock_interview_share": "mock_id",
}
_INTERVIEW_URLS = {"interview", "interview_calendar", "jobs_interview_outcome"}
_OFFER_URLS = {"offer_accept", "jobs_offer_accept"}
_TARGET_URLS = {"target_remove", "jobs_target_delete"}
_SEARCH_URLS = {"search_digest", "search_delete", "jobs_search_digest", "jobs_search_delete"}
_COACHED_CANDIDATE_URLS = {
    "candidate_pipeline",
    "jobs_candidate_pipeline",
    "mock_coach_list",
    "jobs_candidate_mock_interviews",
    "jobs_mock_interview_create",
}
# Mock interviews as their candidate reads them (shared) and as the coach scores them (drafts).
_SHARED_MOCK_URLS = {"mock_detail"}
_DRAFT_MOCK_URLS = {
    "mock_score",
    "mock_share",
    "jobs_mock_interview_update",
    "jobs_mock_interview_share",
}


def _owner_for(relation: str, world: World) -> Membership:
    if relation in {"other_agency", "other_agency_object"}:
        return world.b.candidate
    if relation == "other":
        return world.a.candidate2
    return world.a.candidate


def _vacancy(relation: str, world: World) -> Vacancy:
    side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
    owner = world.a.candidate2 if relation == "other" else None
    return Vacancy.objects.create(
        agency=side.agency,
        owner=owner,
        title="Canary job",
        employer="Canary Ltd",
        source="manual",
        duplicate_key=f"canary|{relation}",
    )


def _application(owner: Membership) -> Application:
    return application_create(owner=owner, title="Canary job", employer="Canary Ltd")


def _saved_search(owner: Membership) -> SavedSearch:
    # The page walks ask for the same relation again: one search per owner.
    search, _created = SavedSearch.objects.get_or_create(
        owner=owner,
        name="Canary search",
        defaults={"digest": "weekly", "digest_since": timezone.now()},
    )
    return search


def _unsubscribe_token(relation: str, world: World) -> str:
    side = world.b if relation == "token_other_agency" else world.a
    search = _saved_search(side.candidate)
    return unsubscribe_token(search_id=search.public_id, agency_slug=side.agency.slug)


def _mock(relation: str, world: World, *, shared: bool) -> MockInterview:
    """A fully scored mock interview in the programme the relation names (`_programme_for`:
    the coached candidate's, another coach's candidate's, another agency's)."""
    programme = matrix_programmes._programme_for(relation, world)
    version = rubric.current_version()
    mock = MockInterview.objects.create(
        candidate=programme.candidate,
        programme=programme,
        rubric_version=version,
        held_on=datetime.date(2027, 1, 4),
        practise=["Canary practice"],
        shared_at=timezone.now() if shared else None,
    )
    MockInterviewScore.objects.bulk_create(
        MockInterviewScore(mock_interview=mock, criterion=key, score=3, comment="Canary")
        for key in rubric.rubric(version, "en").keys
    )
    return mock


def _object_id(short: str, relation: str, world: World) -> Any:
    if short in _SHARED_MOCK_URLS or short in _DRAFT_MOCK_URLS:
        return _mock(relation, world, shared=short in _SHARED_MOCK_URLS).public_id
    if short in _VACANCY_URLS:
        return _vacancy(relation, world).public_id
    application = _application(_owner_for(relation, world))
    if short in _APPLICATION_URLS:
        return application.public_id
    if short in _INTERVIEW_URLS:
        return Interview.objects.create(
            application=application, starts_at=timezone.now(), location="Canary Street 1"
        ).public_id
    if short in _SEARCH_URLS:
        return _saved_search(application.owner).public_id
    if short in _TARGET_URLS:
        return TargetCompany.objects.create(owner=application.owner, name="Canary Ltd").public_id
    if short in _OFFER_URLS:
        return Offer.objects.create(
            application=application,
            contract_type="permanent",
            hours_per_week=Decimal(37),
            start_date=datetime.date(2027, 1, 4),
        ).public_id
    raise KeyError(short)


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.split(":", 1)[1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    key = "public_id"
    if name.startswith("api:"):
        key = _API_ID.get(short, "application_id")
    if short == "search_unsubscribe":
        kwargs["token"] = _unsubscribe_token(relation, world)
    elif short in _COACHED_CANDIDATE_URLS:
        if relation == "other":
            kwargs[key] = world.a.candidate2.public_id
        else:
            kwargs[key] = matrix_programmes._programme_for(relation, world).candidate.public_id
    elif short in (
        _VACANCY_URLS
        | _APPLICATION_URLS
        | _INTERVIEW_URLS
        | _OFFER_URLS
        | _TARGET_URLS
        | _SEARCH_URLS
        | _SHARED_MOCK_URLS
        | _DRAFT_MOCK_URLS
    ):
        kwargs[key] = _object_id(short, relation, world)
    return kwargs
