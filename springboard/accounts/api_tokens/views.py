"""Pages for personal API tokens: one's own list, creating (the plaintext is shown once, in the
response to the POST, and never stored), revoking; the admin's list of the agency's tokens."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.accounts.access import signed_in_user
from springboard.accounts.api_tokens import access, selectors, services
from springboard.accounts.api_tokens.forms import ApiTokenForm
from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap


@require_GET
def token_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = current_membership(request)
    return render(
        request,
        "accounts/tokens/list.html",
        {
            "page": paginate(request, selectors.tokens_of(viewer)),
            "query": query_without_page(request),
            "can_see_agency": viewer.has(Cap.MANAGE_MEMBERS),
        },
    )


@require_GET
def agency_tokens(request: HttpRequest, agency_slug: str) -> HttpResponse:
    admin = require(request, Cap.MANAGE_MEMBERS)
    return render(
        request,
        "accounts/tokens/agency.html",
        {
            "page": paginate(request, selectors.tokens_of_agency(admin.agency)),
            "query": query_without_page(request),
        },
    )


@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = current_membership(request)
    if services.staff_without_mfa(viewer):
        status = 403 if request.method == "POST" else 200
        return render(request, "accounts/tokens/mfa_needed.html", status=status)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(
                membership=viewer, actor=signed_in_user(request), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # Rendered, not redirected: the plaintext must not pass through the session.
            return render(
                request,
                "accounts/tokens/created.html",
                {"token": issued.token, "plaintext": issued.plaintext},
                status=201,
            )
    return render(request, "accounts/tokens/create.html", {"form": form})


@require_POST
def token_revoke(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    token = access.get_token_to_revoke(request, public_id)
    viewer = current_membership(request)
    services.api_token_revoke(token=token, actor=signed_in_user(request))
    messages.success(
        request, _("The token “%(name)s” is revoked and no longer works.") % {"name": token.name}
    )
    if token.membership_id == viewer.pk:
        return redirect("tokens:list", agency_slug=agency_slug)
    return redirect("tokens:agency", agency_slug=agency_slug)
