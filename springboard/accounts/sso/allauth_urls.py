"""allauth's URLs under /accounts/, with only the social-account parts agency SSO needs.

Left out on purpose: the "connected accounts" page and social sign-up (SSO only signs in people
who already exist). The OIDC login and callback are ours: the same
allauth views, driven by an adapter that always verifies the ID token's signature.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import requests
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount import views as social_views
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.saml import views as saml_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.accounts.middleware import mfa_exempt
from springboard.accounts.sso.providers import VerifyingOIDCAdapter

logger = logging.getLogger(__name__)


@login_not_required
@mfa_exempt
@require_POST
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2LoginView.adapter_view(VerifyingOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    except (requests.RequestException, ValueError, KeyError):
        # The IdP's discovery document did not answer (or is not one): say so, no 500.
        logger.warning("OIDC discovery failed for %s", provider_id, exc_info=True)
        return render(request, "accounts/sso/unavailable.html", status=503)


@login_not_required
@mfa_exempt
@require_GET
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(VerifyingOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    except (requests.RequestException, ValueError, KeyError):
        logger.warning("OIDC callback failed for %s", provider_id, exc_info=True)
        return render(request, "accounts/sso/unavailable.html", status=503)


def _with_host(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """python3-saml reads the Host header itself; a request without one (HTTP/1.0, a test
    client) gets Django's validated host instead of a KeyError."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.META.setdefault("HTTP_HOST", request.get_host())
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path("", include("allauth.account.urls")),
    path("2fa/", include("allauth.mfa.urls")),
    path(
        "3rdparty/login/cancelled/",
        require_GET(social_views.login_cancelled),
        name="socialaccount_login_cancelled",
    ),
    path(
        "3rdparty/login/error/",
        require_GET(social_views.login_error),
        name="socialaccount_login_error",
    ),
    path("oidc/<str:provider_id>/login/", oidc_login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc_callback, name="openid_connect_callback"),
    path(
        "saml/<str:organization_slug>/acs/",
        require_POST(_with_host(saml_views.acs)),
        name="saml_acs",
    ),
    path(
        "saml/<str:organization_slug>/acs/finish/",
        require_GET(_with_host(saml_views.finish_acs)),
        name="saml_finish_acs",
    ),
    # Single logout: the SP metadata announces it, so an IdP may sign the person out here.
    path(
        "saml/<str:organization_slug>/sls/",
        require_http_methods(["GET", "POST"])(_with_host(saml_views.sls)),
        name="saml_sls",
    ),
    path(
        "saml/<str:organization_slug>/metadata/",
        require_GET(_with_host(saml_views.metadata)),
        name="saml_metadata",
    ),
    path(
        "saml/<str:organization_slug>/login/",
        require_POST(_with_host(saml_views.login)),
        name="saml_login",
    ),
]
