from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from springboard.accounts.access import signed_in_user
from springboard.accounts.middleware import mfa_exempt
from springboard.core.health import readiness
from springboard.tenancy.selectors import active_memberships_of

# What a database that is restarting or unreachable raises (a refused connection, a connection
# closed under a query).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = active_memberships_of(signed_in_user(request))
    if len(memberships) == 1:
        return redirect("home:agency", agency_slug=memberships[0].agency.slug)
    return redirect("agencies:list")


@login_not_required
@mfa_exempt
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It touches no database on purpose: a database outage
    must take the processes out of rotation (`/readyz`), not get them restarted in a loop."""
    return JsonResponse({"status": "ok"})


@login_not_required
@mfa_exempt
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, for load balancers and deployments: 200 when the database answers, every
    migration is applied and the task queue is being worked off; 503 with the failing check."""
    result = readiness()
    return JsonResponse(result.as_json(), status=200 if result.ready else 503)


@login_not_required
@mfa_exempt
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Set the language cookie and, for a signed-in person, remember it on their account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    if isinstance(response, HttpResponseRedirect) and not url_has_allowed_host_and_scheme(
        response.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(reverse("home"))
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@login_not_required
@mfa_exempt
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):  # the tenant or MFA middleware refused before the API saw the call
        return JsonResponse({"detail": "Forbidden"}, status=403)
    return render(request, "errors/403.html", status=403)


@login_not_required
@mfa_exempt
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "errors/404.html", status=404)


@login_not_required
@mfa_exempt
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in one of them.
    from django.template import loader

    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        # The database went away (a restart, a failover): a temporary condition, said as such
        # (503 and Retry-After), so clients and the proxy retry instead of reporting a bug.
        # Connections are health-checked, so the next request reconnects (R5).
        if _is_api(request):
            response: HttpResponse = JsonResponse(
                {"detail": "Service Unavailable", "retry_after": RETRY_AFTER_SECONDS}, status=503
            )
        else:
            response = HttpResponse(
                loader.get_template("core/unavailable.html").render(), status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return JsonResponse({"detail": "Internal Server Error"}, status=500)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
