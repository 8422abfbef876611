"""Bearer authentication for the API.

`ApiTokenMiddleware` runs for /api/ requests with `Authorization: Bearer …`, before the tenant
middleware: it makes the token's user the user of this one request (no session is read or
written), so the tenant middleware resolves the membership exactly as for a signed-in person.
It then holds the token to its agency (the agency in the URL must be the token's) and its scope.
`ApiTokenAuth` is the API's first authentication: it accepts what the middleware established,
so a token request skips the session authentication and with it the CSRF check, which a session
request still gets (a browser never adds an Authorization header on its own).
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from springboard.accounts.api_tokens.keys import secret_matches, split_token
from springboard.accounts.models import ApiToken, ApiTokenScope, User
from springboard.privacy.services import audit_record
from springboard.tenancy.middleware import TENANT_URL_KWARG

API_PATH_PREFIX = "/api/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RATE_LIMIT_PER_MINUTE = 120
LAST_USED_GRANULARITY = timedelta(minutes=1)


def bearer_token_text(request: HttpRequest) -> str | None:
    """The credentials of an `Authorization: Bearer` header on an API path, else None."""
    if not request.path_info.startswith(API_PATH_PREFIX):
        return None
    scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


def find_token(text: str) -> ApiToken | None:
    parts = split_token(text)
    if parts is None:
        return None
    prefix, secret = parts
    token = (
        ApiToken.objects.select_related("membership__agency", "membership__user")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not secret_matches(secret, token.secret_hash):
        return None
    return token


def _refusal(status: int, detail: str, code: str) -> JsonResponse:
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{code}"'
    return response


def _refuse_known(token: ApiToken, status: int, detail: str, code: str) -> JsonResponse:
    """Refused use of a real token is audited in the token's agency. Who sent it is not known
    (the holder may not be the owner), so the event names no actor; the rate limit, checked
    first, bounds how many such events one token can cause."""
    audit_record(
        agency=token.membership.agency,
        actor=None,
        action="api_token.refused",
        target=token,
        data={"reason": code, "prefix": token.prefix},
    )
    return _refusal(status, detail, code)


def seconds_until_allowed(token: ApiToken) -> int | None:
    """Count this request against the token's budget for the current minute; the seconds to
    wait when the budget is spent, else None. The cache is shared by every web process."""
    now = time.time()
    window = int(now // 60)
    key = f"api-token-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first request
        cache.set(key, 1, timeout=120)
        count = 1
    if count <= RATE_LIMIT_PER_MINUTE:
        return None
    return max(1, math.ceil((window + 1) * 60 - now))


def _state_refusal(token: ApiToken) -> JsonResponse | None:
    membership = token.membership
    if token.revoked_at is not None:
        return _refuse_known(token, 401, _("This API token has been revoked."), "revoked")
    if token.expires_at <= timezone.now():
        return _refuse_known(token, 401, _("This API token has expired."), "expired")
    if not (membership.is_active and membership.user.is_active):
        return _refuse_known(
            token, 401, _("The account this API token belongs to is no longer active."), "inactive"
        )
    if membership.role != token.role:
        return _refuse_known(
            token,
            401,
            _("Your role in this agency has changed since the token was made; create a new one."),
            "role_changed",
        )
    return None


def _touch(token: ApiToken) -> None:
    """Record use, writing at most once a minute per token (one conditional UPDATE)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
    ).update(last_used_at=now)


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]
        text = bearer_token_text(request)
        if text is None:
            return self.get_response(request)
        token = find_token(text)
        if token is None:
            return _refusal(401, _("This API token is not valid."), "invalid")
        wait = seconds_until_allowed(token)
        if wait is not None:
            response = _refusal(
                429, _("Too many requests with this API token. Try again shortly."), "rate_limited"
            )
            response["Retry-After"] = str(wait)
            return response
        refusal = _state_refusal(token)
        if refusal is not None:
            return refusal
        user = token.membership.user
        request.user = user
        request.auser = _async_user(user)
        request.api_token = token  # type: ignore[attr-defined]
        # No CSRF check for a token request: a browser never sends the header on its own, and a
        # machine client has no CSRF cookie. Session requests keep the check (no flag is set).
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        token: ApiToken | None = getattr(request, "api_token", None)
        if token is None:
            return None
        if view_kwargs.get(TENANT_URL_KWARG) != token.membership.agency.slug:
            # Also when the person is a member of the URL's agency: a token acts in one agency.
            return _refuse_known(
                token,
                403,
                _("This API token works only under its own agency's address (/api/v1/a/%(slug)s/).")
                % {"slug": token.membership.agency.slug},
                "other_agency",
            )
        if token.scope == ApiTokenScope.READ and request.method not in READ_METHODS:
            return _refuse_known(
                token,
                403,
                _("This API token may only read; create a read and write token."),
                "read_only",
            )
        _touch(token)
        return None


def _async_user(user: User) -> Callable[[], Awaitable[User]]:
    async def auser() -> User:
        return user

    return auser


class ApiTokenAuth(HttpBearer):
    """Accepts the token the middleware verified for this request; checks nothing itself, so a
    Bearer header on a request the middleware did not handle authenticates nobody."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        verified: ApiToken | None = getattr(request, "api_token", None)
        return verified


api_token_auth = ApiTokenAuth()
