"""The agency's IdP rows, as the SocialApp objects allauth works with (built, never stored)."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.http import HttpRequest
from django.urls import reverse

from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind

# E-mail attribute names used by Entra ID, Okta, Keycloak and ADFS (the first one found is used).
SAML_EMAIL_ATTRIBUTES = [
    "email",
    "mail",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
]
SAML_NAME_ATTRIBUTES = [
    "name",
    "displayName",
    "http://schemas.microsoft.com/identity/claims/displayname",
    "urn:oid:2.16.840.1.113730.3.1.241",
]


def sp_entity_id(request: HttpRequest | None, idp: AgencyIdentityProvider) -> str:
    path = reverse("saml_metadata", kwargs={"organization_slug": idp.key})
    return request.build_absolute_uri(path) if request is not None else path


def social_app(idp: AgencyIdentityProvider, request: HttpRequest | None = None) -> SocialApp:
    if idp.kind == IdentityProviderKind.OIDC:
        return SocialApp(
            provider="openid_connect",
            provider_id=idp.key,
            name=idp.name,
            client_id=idp.oidc_client_id,
            secret=idp.oidc_client_secret,
            settings={"server_url": idp.oidc_issuer, "oauth_pkce_enabled": True},
        )
    return SocialApp(
        provider="saml",
        provider_id=idp.key,
        # allauth finds a SAML app by its client id (the "organization slug" in its URLs).
        client_id=idp.key,
        name=idp.name,
        settings={
            "idp": {
                "entity_id": idp.saml_entity_id,
                "sso_url": idp.saml_sso_url,
                "x509cert": idp.saml_x509cert,
            },
            "sp": {"entity_id": sp_entity_id(request, idp)},
            # The subject is the NameID; the e-mail is only used to link a person the first time.
            "attribute_mapping": {"email": SAML_EMAIL_ATTRIBUTES, "name": SAML_NAME_ATTRIBUTES},
            # Single-label hosts (localhost, an intranet name) are fine: our URLs come from a host
            # Django already checked against ALLOWED_HOSTS, the IdP's from the admin's form.
            "advanced": {
                "strict": True,
                "reject_idp_initiated_sso": True,
                "allow_single_label_domains": True,
            },
        },
    )
