"""The agency admin's SSO settings pages, and the agency's staff sign-in page."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from allauth.socialaccount.providers.saml.utils import build_saml_config
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from springboard.accounts.access import signed_in_user
from springboard.accounts.middleware import mfa_exempt
from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind
from springboard.accounts.sso import selectors, services
from springboard.accounts.sso.access import get_idp
from springboard.accounts.sso.apps import social_app
from springboard.accounts.sso.forms import OidcIdentityProviderForm, SamlIdentityProviderForm
from springboard.tenancy.access import require
from springboard.tenancy.middleware import tenant_public
from springboard.tenancy.roles import Cap

_FORMS = {
    IdentityProviderKind.OIDC: OidcIdentityProviderForm,
    IdentityProviderKind.SAML: SamlIdentityProviderForm,
}


@require_GET
def idp_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    admin = require(request, Cap.MANAGE_MEMBERS)
    return render(
        request,
        "accounts/sso/list.html",
        {"idps": selectors.identity_providers_of(admin.agency)},
    )


@require_http_methods(["GET", "POST"])
def idp_create(request: HttpRequest, agency_slug: str, kind: str) -> HttpResponse:
    admin = require(request, Cap.MANAGE_MEMBERS)
    if kind not in IdentityProviderKind.values:
        raise Http404
    form = _FORMS[IdentityProviderKind(kind)](
        request.POST or None, instance=AgencyIdentityProvider(kind=kind, agency=admin.agency)
    )
    if request.method == "POST" and form.is_valid():
        idp = services.idp_save(
            idp=form.instance, agency=admin.agency, actor=signed_in_user(request)
        )
        messages.success(request, _("The identity provider is saved. Test it before staff use it."))
        return redirect("sso:edit", agency_slug=agency_slug, public_id=idp.public_id)
    return render(request, "accounts/sso/form.html", {"form": form, "kind": kind, "idp": None})


@require_http_methods(["GET", "POST"])
def idp_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    idp = get_idp(request, public_id)
    form = _FORMS[IdentityProviderKind(idp.kind)](request.POST or None, instance=idp)
    if request.method == "POST" and form.is_valid():
        services.idp_save(idp=form.instance, agency=idp.agency, actor=signed_in_user(request))
        messages.success(request, _("The identity provider is saved."))
        return redirect("sso:edit", agency_slug=agency_slug, public_id=idp.public_id)
    return render(request, "accounts/sso/form.html", {"form": form, "kind": idp.kind, "idp": idp})


@require_POST
def idp_test(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    idp = get_idp(request, public_id)
    result = services.idp_test(idp=idp, actor=signed_in_user(request))
    for text in result.messages:
        (messages.success if result.ok else messages.error)(request, text)
    return redirect("sso:edit", agency_slug=agency_slug, public_id=idp.public_id)


@require_POST
def idp_toggle(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    idp = get_idp(request, public_id)
    services.idp_set_enabled(idp=idp, enabled=not idp.enabled, actor=signed_in_user(request))
    if idp.enabled:
        messages.success(request, _("Staff can sign in with %(name)s again.") % {"name": idp.name})
    else:
        messages.success(request, _("Nobody can sign in with %(name)s now.") % {"name": idp.name})
    return redirect("sso:list", agency_slug=agency_slug)


@require_GET
def sp_metadata(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    idp = get_idp(request, public_id)
    if idp.kind != IdentityProviderKind.SAML:
        raise Http404
    app = social_app(idp, request)
    config = build_saml_config(request, app.settings, idp.key)
    metadata = OneLogin_Saml2_Settings(config, sp_validation_only=True).get_sp_metadata()
    response = HttpResponse(metadata, content_type="application/samlmetadata+xml")
    response["Content-Disposition"] = f'attachment; filename="springboard-{agency_slug}-sp.xml"'
    return response


@require_GET
@login_not_required
@tenant_public
@mfa_exempt
def signin(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The agency's staff sign-in page: one button per enabled IdP (candidates use e-mail)."""
    agency = request.agency  # type: ignore[attr-defined]
    idps = list(selectors.enabled_identity_providers_of(agency))
    response = render(request, "accounts/sso/signin.html", {"agency": agency, "idps": idps})
    # Browsers apply form-action to the redirects that follow a form post too, so the buttons'
    # redirect to the IdP is blocked unless its origin is allowed on this page (and only here).
    response._csp_config = {  # type: ignore[attr-defined]
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *sorted({_origin(idp.sign_in_url) for idp in idps})],
    }
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
