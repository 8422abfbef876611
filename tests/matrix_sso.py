"""Permission-matrix rows and URL arguments for agency SSO (accounts/sso/) and the allauth
social-account URLs it serves (accounts/sso/allauth_urls.py).

Relations for one identity provider:
  same_agency_idp   an IdP of agency A, agency A in the URL
  other_agency_idp  agency A in the URL, an IdP of agency B
  other_agency      agency B in the URL (the viewer is no member there)
allauth's URLs carry no agency: `none` (signed in) and `any` (anonymous) use an IdP of agency A.
The OIDC IdP's issuer is a closed local port, so starting a sign-in answers "IdP unavailable"
(503) without any network; the SAML IdP needs no network to start (a redirect to it).
"""

from __future__ import annotations

from typing import Any

from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind
from springboard.tenancy.models import Agency
from tests.factories import World
from tests.matrix_programmes import ROLES, only
from tests.sso_idp import SamlIdp

Expectations = dict[str, dict[str, int]]


def on_idp(admin: int) -> Expectations:
    table: Expectations = {
        role: {"same_agency_idp": 403, "other_agency_idp": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"] = {"same_agency_idp": admin, "other_agency_idp": 404, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def public(status: int, *, anonymous: int | None = None) -> Expectations:
    """allauth's SSO endpoints: the same answer for everyone (they start or finish a sign-in)."""
    table: Expectations = {role: {"none": status} for role in ROLES}
    table["anonymous"] = {"any": status if anonymous is None else anonymous}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("sso:list", "GET"): only("admin", 200),
    ("sso:create", "GET"): only("admin", 200),
    # An empty form is refused by its validation (200, nothing stored).
    ("sso:create", "POST"): only("admin", 200),
    ("sso:edit", "GET"): on_idp(200),
    ("sso:edit", "POST"): on_idp(200),
    ("sso:test", "POST"): on_idp(302),
    ("sso:toggle", "POST"): on_idp(302),
    ("sso:metadata", "GET"): on_idp(200),
    # The agency's staff sign-in page is public, like the login page.
    ("sso:signin", "GET"): {
        **{role: {"own_agency": 200, "other_agency": 200} for role in ROLES},
        "anonymous": {"any": 200},
    },
    ("openid_connect_login", "POST"): public(503),
    # Without a code from the IdP: allauth's "sign-in failed" page.
    ("openid_connect_callback", "GET"): public(401),
    ("socialaccount_login_cancelled", "GET"): public(200),
    ("socialaccount_login_error", "GET"): public(401, anonymous=302),
    ("saml_login", "POST"): public(302),
    # The ACS stores the posted form and redirects to the finish step, which finds no response.
    ("saml_acs", "POST"): public(302),
    ("saml_finish_acs", "GET"): public(401),
    ("saml_metadata", "GET"): public(200),
    # No LogoutRequest in the request: 400 (a real one from the IdP signs the person out).
    ("saml_sls", "GET"): public(400),
    ("saml_sls", "POST"): public(400),
}
JSON_BODIES: dict[str, dict[str, Any]] = {}
ALLAUTH_NAMES = {name for name, _method in MATRIX if not name.startswith("sso:")}


def _idp(agency: Agency, kind: str) -> AgencyIdentityProvider:
    existing = AgencyIdentityProvider.objects.filter(agency=agency, kind=kind).first()
    if existing is not None:
        return existing
    if kind == IdentityProviderKind.OIDC:
        return AgencyIdentityProvider.objects.create(
            agency=agency,
            kind=kind,
            name="Matrix OIDC",
            oidc_issuer="http://127.0.0.1:9/closed",
            oidc_client_id="matrix",
            oidc_client_secret="matrix-secret",
        )
    saml = SamlIdp()
    return AgencyIdentityProvider.objects.create(
        agency=agency,
        kind=kind,
        name="Matrix SAML",
        saml_entity_id=saml.entity_id,
        saml_sso_url=saml.sso_url,
        saml_x509cert=saml.cert_pem,
    )


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    a, b = world.a, world.b
    if name in ALLAUTH_NAMES:
        if name.startswith("openid_connect"):
            return {"provider_id": _idp(a.agency, IdentityProviderKind.OIDC).key}
        if name.startswith("saml"):
            return {"organization_slug": _idp(a.agency, IdentityProviderKind.SAML).key}
        return {}
    slug = b.agency.slug if relation == "other_agency" else a.agency.slug
    if name in {"sso:list", "sso:signin"}:
        return {"agency_slug": slug}
    if name == "sso:create":
        return {"agency_slug": slug, "kind": "oidc"}
    kind = IdentityProviderKind.SAML if name == "sso:metadata" else IdentityProviderKind.OIDC
    owner = b.agency if relation in {"other_agency_idp", "other_agency"} else a.agency
    return {"agency_slug": slug, "public_id": _idp(owner, kind).public_id}
