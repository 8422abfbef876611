"""Drive every row of the permission matrix, and prove no URL is missing from it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from springboard.accounts.models import Invitation
from springboard.accounts.services import invitation_create
from springboard.accounts.tokens import invitation_token
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests import (
    matrix_assessments,
    matrix_coaching,
    matrix_consents,
    matrix_cvs,
    matrix_employers,
    matrix_erasure,
    matrix_exports,
    matrix_jobs,
    matrix_myaudit,
    matrix_network,
    matrix_opportunities,
    matrix_outcomes,
    matrix_profiles,
    matrix_programmes,
    matrix_sso,
    matrix_taxonomy,
    matrix_tokens,
)
from tests.factories import AgencyWorld, World
from tests.permission_matrix import MATRIX
from tests.url_methods import UNDECLARED, endpoints, url_names

# URL arguments that are not the tenant or an object: allauth's keys, which are bogus on purpose.
_STATIC_KWARGS: dict[str, dict[str, Any]] = {
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "not-a-real-key"},
    "mfa_remove_webauthn": {"pk": 999999},
    "mfa_edit_webauthn": {"pk": 999999},
}
_POST_DATA: dict[str, dict[str, str]] = {
    "language_switch": {"language": "nl", "next": "/"},
}


# Views of libraries that declare no methods (so they answer any), with the methods they serve:
# django-ninja's schema and root views, allauth's "verification sent" page. Our own views declare.
_UNDECLARED_LIBRARY_VIEWS: dict[str, set[str]] = {
    "api:openapi-json": {"GET"},
    "api:api-root": {"GET"},
    "account_email_verification_sent": {"GET"},
}


def _served_endpoints() -> set[tuple[str, str]]:
    served = set()
    for name, method in endpoints():
        if method != UNDECLARED:
            served.add((name, method))
        elif name in _UNDECLARED_LIBRARY_VIEWS:
            served |= {(name, declared) for declared in _UNDECLARED_LIBRARY_VIEWS[name]}
        else:
            served.add((name, method))
    return served


def test_every_endpoint_is_in_the_matrix() -> None:
    """Every URL name *and* method the site answers has a row, e.g. a POST-only endpoint."""
    served = _served_endpoints()
    undeclared = sorted(name for name, method in served if method == UNDECLARED)
    assert not undeclared, (
        f"views that declare no HTTP methods (use require_http_methods): {undeclared}"
    )
    missing = sorted(served - set(MATRIX))
    assert not missing, f"endpoints missing from tests/permission_matrix.py: {missing}"


def test_matrix_names_only_served_endpoints() -> None:
    assert set(MATRIX) <= _served_endpoints()
    assert {name for name, _ in MATRIX} <= url_names()


def test_method_discovery_sees_post_only_views() -> None:
    """The completeness test can only be as good as the method discovery it relies on."""
    served = endpoints()
    assert ("accounts:invitation_accept", "POST") in served
    assert ("employers:import_start", "POST") in served
    assert ("employers:import_start", "GET") not in served
    assert ("api:employer_create", "POST") in served
    assert ("api:employer_create", "GET") not in served
    assert ("account_logout", "POST") in served


def _cases() -> list[Any]:
    return [
        pytest.param(name, method, role, relation, status, id=f"{name}-{method}-{role}-{relation}")
        for (name, method), roles in MATRIX.items()
        for role, relations in roles.items()
        for relation, status in relations.items()
    ]


def _persona(home: AgencyWorld, role: str) -> Membership | None:
    return {
        "admin": home.admin,
        "coach": home.coach,
        "employer_contact": home.contact,
        "candidate": home.candidate,
    }.get(role)


def _open_invitation(side: AgencyWorld) -> Invitation:
    return invitation_create(
        agency=side.agency, actor=side.admin.user, email="newcoach@example.test", role=Role.COACH
    )


# URL namespace → function(name, relation, world) → URL kwargs, for apps whose rows live in their
# own tests/matrix_<app>.py module.
KWARGS_BY_NAMESPACE: dict[str, Callable[[str, str, World], dict[str, Any]]] = {
    "employers": matrix_employers.kwargs_for,
    "programmes": matrix_programmes.kwargs_for,
    "taxonomy": matrix_taxonomy.kwargs_for,
    "assessments": matrix_assessments.kwargs_for,
    "profiles": matrix_profiles.kwargs_for,
    "opportunities": matrix_opportunities.kwargs_for,
    "network": matrix_network.kwargs_for,
    "coaching": matrix_coaching.kwargs_for,
    "outcomes": matrix_outcomes.kwargs_for,
    "cvs": matrix_cvs.kwargs_for,
    "jobs": matrix_jobs.kwargs_for,
    "exports": matrix_exports.kwargs_for,
    "erasure": matrix_erasure.kwargs_for,
    "consents": matrix_consents.kwargs_for,
    "myaudit": matrix_myaudit.kwargs_for,
    "tokens": matrix_tokens.kwargs_for,
    "sso": matrix_sso.kwargs_for,
}
# Exact URL names → the same kind of function, for rows in a namespace shared by several apps
# (the API); and the JSON body their non-GET requests send.
KWARGS_BY_NAME: dict[str, Callable[[str, str, World], dict[str, Any]]] = {
    **{name: matrix_programmes.kwargs_for for name, _method in matrix_programmes.MATRIX},
    **{name: matrix_employers.api_kwargs_for for name, _method in matrix_employers.API_MATRIX},
    **{
        name: module.kwargs_for
        for module in (
            matrix_assessments,
            matrix_profiles,
            matrix_opportunities,
            matrix_network,
            matrix_coaching,
            matrix_outcomes,
            matrix_cvs,
            matrix_jobs,
            matrix_exports,
            matrix_erasure,
            matrix_consents,
            matrix_myaudit,
            matrix_tokens,
        )
        for name, _method in module.MATRIX
        if name.startswith("api:")
    },
    # allauth's social-account URLs that agency SSO serves (no namespace of their own).
    **{name: matrix_sso.kwargs_for for name in matrix_sso.ALLAUTH_NAMES},
}
JSON_BODIES: dict[str, dict[str, Any]] = {
    **matrix_programmes.JSON_BODIES,
    **matrix_employers.JSON_BODIES,
    **matrix_assessments.JSON_BODIES,
    **matrix_profiles.JSON_BODIES,
    **matrix_opportunities.JSON_BODIES,
    **matrix_network.JSON_BODIES,
    **matrix_coaching.JSON_BODIES,
    **matrix_outcomes.JSON_BODIES,
    **matrix_cvs.JSON_BODIES,
    **matrix_jobs.JSON_BODIES,
    **matrix_exports.JSON_BODIES,
    **matrix_erasure.JSON_BODIES,
    **matrix_consents.JSON_BODIES,
    **matrix_myaudit.JSON_BODIES,
    **matrix_tokens.JSON_BODIES,
    **matrix_sso.JSON_BODIES,
}


_INVITATION_BY_ID = {"tenancy:invitation_revoke", "api:invitation_revoke", "api:invitations"}


def _invitation_kwargs(name: str, relation: str, world: World) -> dict[str, Any]:
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    if name == "api:invitations":
        return {"agency_slug": slug}
    issuer = world.a if relation in {"same_agency_invitation", "any"} else world.b
    key = "public_id" if name.startswith("tenancy:") else "invitation_id"
    return {"agency_slug": slug, key: _open_invitation(issuer).public_id}


def _kwargs(name: str, relation: str, world: World) -> dict[str, Any]:
    if name in _INVITATION_BY_ID:
        return _invitation_kwargs(name, relation, world)
    if name in KWARGS_BY_NAME:
        return KWARGS_BY_NAME[name](name, relation, world)
    namespace = name.split(":", 1)[0] if ":" in name else ""
    if namespace in KWARGS_BY_NAMESPACE:
        return KWARGS_BY_NAMESPACE[namespace](name, relation, world)
    a, b = world.a, world.b
    kwargs = dict(_STATIC_KWARGS.get(name, {}))
    if relation in {"own_agency", "any"} and namespace in {"tenancy", "privacy", "home"}:
        kwargs["agency_slug"] = a.agency.slug
    if relation == "other_agency":
        kwargs["agency_slug"] = b.agency.slug
    if relation in {"same_agency_member", "other_agency_member", "other_agency", "any"} and (
        name.startswith("tenancy:member_") and name != "tenancy:member_invite"
    ):
        kwargs["agency_slug"] = b.agency.slug if relation == "other_agency" else a.agency.slug
        kwargs["public_id"] = (
            b.coach2.public_id
            if relation in {"other_agency_member", "other_agency"}
            else a.coach2.public_id
        )
    if name == "accounts:invitation_accept":
        issuer = b if relation == "token_other_agency" else a
        invitation = _open_invitation(issuer)
        kwargs["agency_slug"] = a.agency.slug
        kwargs["token"] = invitation_token(key=invitation.key, agency_slug=issuer.agency.slug)
    return kwargs


# Tables a refused request may legitimately write: the session (login, messages) and the task
# queue's bookkeeping. Everything else must be byte-for-byte the same after a refusal.
_VOLATILE_TABLES = {"django_session", "django_cache"}


def _database_state() -> dict[str, list[str]]:
    """Every row of every table, for "a refused request changed nothing, anywhere"."""
    state: dict[str, list[str]] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in _VOLATILE_TABLES or table.startswith("django_tasks"):
            continue
        state[table] = sorted(repr(row) for row in model._default_manager.values_list())
    return state


def _changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])


@pytest.mark.parametrize(("name", "method", "role", "relation", "expected"), _cases())
def test_matrix(
    world: World, client: Client, name: str, method: str, role: str, relation: str, expected: int
) -> None:
    viewer = _persona(world.a, role)
    if viewer is not None:
        client.force_login(viewer.user)
    url = reverse(name, kwargs=_kwargs(name, relation, world) or None)
    refused = expected in {401, 403, 404, 405, 410} or relation.startswith("other")
    before = _database_state() if refused else {}
    if method == "GET":
        response = client.get(url)
    elif name in (multipart := matrix_employers.multipart_bodies()):
        response = client.post(url, multipart[name])
    elif name in JSON_BODIES:
        body = json.dumps(JSON_BODIES[name])
        response = client.generic(method, url, body, content_type="application/json")
    elif method == "POST":
        response = client.post(url, _POST_DATA.get(name, {}))
    else:
        response = client.generic(method, url)
    assert response.status_code == expected, f"{method} {url} as {role}/{relation}"
    if refused:
        changed = _changed_tables(before, _database_state())
        assert not changed, f"a refused request changed rows in {changed}"
