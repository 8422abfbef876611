"""The REST API under /api/v1/: one NinjaAPI, each app contributes its own router.

Paths carry the tenant (`/a/{agency_slug}/…`), so the tenant middleware resolves the agency and
membership exactly as for pages. Authentication is the session; ninja's SessionAuth checks CSRF
on writes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from springboard.accounts.api_tokens.auth import api_token_auth
from springboard.assessments.api import router as assessments_router
from springboard.coaching.api import router as coaching_router
from springboard.cvs.api import router as cvs_router
from springboard.employers.api import router as employers_router
from springboard.jobs.api import router as jobs_router
from springboard.lib.errors import DomainError
from springboard.network.api import router as network_router
from springboard.opportunities.api import router as opportunities_router
from springboard.outcomes.api import router as outcomes_router
from springboard.profiles.api import router as profiles_router
from springboard.programmes.api import router as programmes_router
from springboard.tenancy.api import router as tenancy_router

api = NinjaAPI(
    title="Springboard API",
    version="1",
    description=(
        "Employers, engagements, cohorts, enrolment, programmes, invitations, competence "
        "profiles, assessments and opportunities of an agency."
    ),
    urls_namespace="api",
    auth=[api_token_auth, django_auth],  # a Bearer token first; else the session, with CSRF
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema stays at openapi.json
)
api.add_router("", employers_router)
api.add_router("", programmes_router)
api.add_router("", tenancy_router)
api.add_router("", assessments_router)
api.add_router("", profiles_router)
api.add_router("", opportunities_router)
api.add_router("", network_router)
api.add_router("", coaching_router)
api.add_router("", outcomes_router)
api.add_router("", cvs_router)
api.add_router("", jobs_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)


def _api_urls() -> Any:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            # API clients get 401 from the API's own auth instead of a redirect to a login page.
            pattern.callback.login_required = False  # type: ignore[attr-defined]
        elif isinstance(pattern, URLResolver):  # pragma: no cover - ninja returns flat patterns
            raise TypeError("unexpected nested API pattern")
    return patterns, app_name, namespace


_patterns, _app_name, _namespace = _api_urls()
urlpatterns = [path("api/v1/", include((_patterns, _app_name), namespace=_namespace))]
