from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from springboard.accounts.access import signed_in_user
from springboard.accounts.sso.session import idp_asserted_mfa, refuse_credential_change
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import STAFF_ROLES


def mfa_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that holds no data, so staff may open it before enrolling an authenticator."""
    view.mfa_exempt = True  # type: ignore[attr-defined]
    return view


class UserLanguageMiddleware:
    """A signed-in person sees their own language wherever they log in from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def needs_mfa(request: HttpRequest) -> bool:
    if idp_asserted_mfa(request):
        # The agency's IdP vouched for a second factor in this very sign-in (accounts/sso/).
        return False
    membership = getattr(request, "membership", None)
    if membership is not None and membership.is_staff_role:
        return True
    user = signed_in_user(request)
    return Membership.objects.filter(user=user, is_active=True, role__in=STAFF_ROLES).exists()


class StaffMfaRequiredMiddleware:
    """Admins, coaches and employer contacts reach no data page before enrolling TOTP or a passkey.

    The account and MFA pages themselves stay open so the person can enrol; demo mode is the one
    place where staff may skip this, and it says so in a banner on every page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        # Before the MFA checks, which let allauth's own pages through.
        refused = refuse_credential_change(request)
        if refused is not None:
            return refused
        if settings.DEMO_MODE:
            return None
        if getattr(view_func, "mfa_exempt", False) or view_func.__module__.startswith("allauth."):
            return None
        if not needs_mfa(request) or is_mfa_enabled(request.user):
            return None
        if request.headers.get("HX-Request") or request.path.startswith("/api/"):
            raise PermissionDenied
        return redirect("mfa_index")
