"""S18: the API fuzzed from its own OpenAPI spec (schemathesis), in process, as three roles.

The schema is fetched from the running application (`/api/v1/openapi.json` through the WSGI
handler), so the spec under test is the one clients download. Every operation is then called with
cases schemathesis generates from that spec, both valid (positive) and invalid (negative), as an
agency admin, an employer contact and a candidate of agency A. Requests go through the whole
Django stack (all middleware, session auth, CSRF) via schemathesis's WSGI transport; no server and
no network.

Authentication is a real session: Django's test client `force_login`s the person and we send its
`sessionid` cookie. CSRF is NOT bypassed: unlike Django's test client, the WSGI transport enforces
CSRF, so every request carries a `csrftoken` cookie and the matching `X-CSRFToken` header, exactly
as the browser-side JavaScript does.

Path parameters are drawn from real ids: objects of agency A (the caller's own), objects of agency B
(the other tenant, under A's slug) and, one case in four, whatever schemathesis generates. A request
naming one of B's objects must answer 404, or, when it is refused before any lookup (malformed
body, a capability missing on A's own parent object), exactly what an id that exists nowhere gets;
never a 2xx, and no response may contain any of B's ids.

Checks on every response: no 5xx, documented status code, documented content type, body valid
against the documented schema, documented headers, and invalid input rejected with a 4xx.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from springboard.employers.models import Engagement
from springboard.programmes.models import PlanItem, PlanItemKind, Programme
from tests.employer_fixtures import make_import
from tests.factories import AgencyWorld, World, make_programme, make_world
from tests.matrix_programmes import _with_plan

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# `.ok()` raises on an operation schemathesis cannot read: an unreadable spec fails here, loudly.
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
ROLES = ("admin", "contact", "candidate")
MAX_EXAMPLES = 20  # per operation and role: the file takes ~20-35 s on 2 cores with xdist

# Which kind of object each path parameter names.
ID_PARAMETERS = ("employer_id", "engagement_id", "import_id", "programme_id", "item_id")


@dataclass
class Tenant:
    slug: str
    ids: dict[str, str]


def _tenant(side: AgencyWorld) -> Tenant:
    """One object of every kind the API addresses, in `side`'s agency."""
    from datetime import date

    engagement = Engagement.objects.create(
        agency=side.agency, employer=side.employer, name="Fuzzed", start_date=date(2026, 1, 5)
    )
    upload = make_import(engagement)
    programme: Programme = _with_plan(
        make_programme(side, candidate=side.candidate, coaches=[side.coach]), side
    )
    item = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert item is not None
    return Tenant(
        slug=side.agency.slug,
        ids={
            "employer_id": str(side.employer.public_id),
            "engagement_id": str(engagement.public_id),
            "import_id": str(upload.public_id),
            "programme_id": str(programme.public_id),
            "item_id": str(item.public_id),
        },
    )


@dataclass
class Session:
    cookies: dict[str, str]
    headers: dict[str, str]


def _session(world: World, role: str) -> Session:
    """Cookies and headers of a signed-in person of agency A, with a real CSRF token."""
    person = {"admin": world.a.admin, "contact": world.a.contact, "candidate": world.a.candidate}
    client = Client()
    client.force_login(person[role].user)
    csrf = get_random_string(32)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    return Session(cookies=cookies, headers={"X-CSRFToken": csrf})


def _path_choices(operation: Any, mine: Tenant, theirs: Tenant) -> st.SearchStrategy[dict]:
    """Fixed path parameters: A's slug, and each id A's or B's own object."""
    names = [p.name for p in operation.path_parameters]
    choices: dict[str, st.SearchStrategy[str]] = {"agency_slug": st.just(mine.slug)}
    for name in names:
        if name in ID_PARAMETERS:
            choices[name] = st.sampled_from([mine.ids[name], theirs.ids[name]])
    return st.fixed_dictionaries(choices)


def _cases(operation: Any, mine: Tenant, theirs: Tenant, auth: Session) -> st.SearchStrategy[Case]:
    # The session cookie and CSRF token are fixed, not generated: the spec declares `sessionid`
    # as an apiKey cookie, and negative mode would otherwise "break" it while we send the real one.
    def both_modes(path_parameters: dict[str, str]) -> st.SearchStrategy[Case]:
        return st.one_of(
            [
                operation.as_strategy(
                    mode,
                    path_parameters=path_parameters,
                    cookies=auth.cookies,
                    headers=auth.headers,
                )
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            ]
        )

    with_real_ids = _path_choices(operation, mine, theirs).flatmap(both_modes)
    if not {p.name for p in operation.path_parameters} & set(ID_PARAMETERS):
        return with_real_ids
    # One case in four: generated ids (random UUIDs, or garbage in negative mode), A's slug.
    generated = both_modes({"agency_slug": mine.slug})
    return st.integers(0, 3).flatmap(lambda n: generated if n == 0 else with_real_ids)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # Requests go through the real WSGI handler, whose request_started/finished signals close
    # "old" connections: on PostgreSQL that would close the connection holding the test's
    # transaction. Django's own test client disconnects the same handler.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db: None) -> tuple[World, Tenant, Tenant]:
    world = make_world()
    return world, _tenant(world.a), _tenant(world.b)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_api_conforms_to_its_spec(
    operation: Any, role: str, fuzz_world: tuple[World, Tenant, Tenant]
) -> None:
    world, mine, theirs = fuzz_world
    auth = _session(world, role)
    their_ids = set(theirs.ids.values())

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation, mine, theirs, auth))
    def fuzz(case: Case) -> None:
        response = case.call_and_validate(checks=CHECKS)
        for their_id in their_ids:
            assert their_id not in response.text, (their_id, response.text[:500])
        named = [k for k, v in case.path_parameters.items() if str(v) in their_ids]
        if named and response.status_code != 404:
            # Not a 404 only when the request is refused before any lookup (a malformed body,
            # or a capability the caller lacks on their own agency's parent object): then the
            # answer must be exactly the one an id that exists nowhere gets, so it tells nothing.
            unknown = case.derive()
            for name in named:
                unknown.path_parameters[name] = str(uuid.uuid4())
            control = unknown.call()
            assert response.status_code < 300 or (
                (response.status_code, response.text) == (control.status_code, control.text)
            ), (case.operation.label, role, named, response.status_code, response.text)
            assert response.status_code >= 400, (case.operation.label, role, response.text)

    fuzz()


@pytest.mark.parametrize("slug", ["beta", "no-such-agency"])
def test_another_agencys_slug_is_a_404_without_data(
    slug: str, fuzz_world: tuple[World, Tenant, Tenant]
) -> None:
    """A's people under B's (or no) agency slug: every operation 404, nothing of B's.

    Not part of the fuzz above because this 404 comes from TenantMiddleware, before the API, and
    is rendered by the site's HTML 404 handler (text/html), whereas the spec documents JSON
    errors; content_type_conformance would rightly fail. The fix belongs in the 404/403 handlers
    (springboard.core.views), outside the API; until then this test holds the security part.
    """
    world, _mine, theirs = fuzz_world
    for role in ROLES:
        auth = _session(world, role)
        for operation in OPERATIONS:
            path = {p.name: theirs.ids.get(p.name, "") for p in operation.path_parameters}
            case = operation.Case(
                path_parameters={**path, "agency_slug": slug},
                cookies=auth.cookies,
                headers=auth.headers,
            )
            response = case.call()
            assert response.status_code == 404, (role, operation.label, response.status_code)
            assert not set(theirs.ids.values()) & set(response.text.split('"'))


def test_schema_is_the_applications_own() -> None:
    from springboard.api.urls import api

    assert json.loads(json.dumps(api.get_openapi_schema(), default=str))["paths"].keys() == (
        SCHEMA.raw_schema["paths"].keys()
    )
