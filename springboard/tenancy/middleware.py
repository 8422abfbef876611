from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from springboard.accounts.sso.session import refuse_other_agency
from springboard.privacy.alumni import alumni_gate
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

TENANT_URL_KWARG = "agency_slug"


def tenant_public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view under /a/<agency>/ that a non-member may open (an invitation link)."""
    view.tenant_public = True  # type: ignore[attr-defined]
    return view


class TenantMiddleware:
    """Resolve the agency from the URL once; non-members get the same 404 as a missing agency."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.agency = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.alumni = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        slug = view_kwargs.get(TENANT_URL_KWARG)
        if slug is None:
            return None
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise Http404
        request.agency = agency  # type: ignore[attr-defined]
        # A session begun through another agency's identity provider opens only that agency.
        refused = refuse_other_agency(request, agency)
        if refused is not None:
            return refused
        if getattr(view_func, "tenant_public", False):
            return None
        if not request.user.is_authenticated:
            # Only views that opted out of LoginRequiredMiddleware get here (the API, which
            # answers 401 itself); without a membership every access helper fails closed.
            return None
        membership = (
            Membership.objects.select_related("employer")
            .filter(agency=agency, user=request.user, is_active=True)
            .first()
        )
        if membership is None:
            raise Http404
        membership.agency = agency
        if membership.role == Role.CANDIDATE:
            # After the programme: read-only, then no access (privacy/alumni.py).
            refused = alumni_gate(request, membership)
            if refused is not None:
                return refused
        request.membership = membership  # type: ignore[attr-defined]
        return None
