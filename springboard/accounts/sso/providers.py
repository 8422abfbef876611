"""allauth's OIDC and SAML providers, adjusted for agency SSO (set in SOCIALACCOUNT_PROVIDERS)."""

from __future__ import annotations

from typing import Any

import jwt
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml.provider import SAMLProvider

from springboard.accounts.sso.mfa import SAML_AUTHN_CONTEXTS_KEY

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """Always checks the ID token's signature against the IdP's published keys.

    allauth skips the check for a token fetched straight from the token endpoint (OIDC Core
    allows it over TLS). We check anyway: the token's `amr`/`acr` decide whether Springboard
    asks for its own second factor, so a token nobody signed must not get that far.
    """

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        try:
            algorithm = jwt.get_unverified_header(id_token).get("alg")
        except jwt.PyJWTError as error:
            raise OAuth2Error("Invalid id_token") from error
        # The header names the algorithm; only public-key ones are acceptable ("none" or an HMAC
        # keyed with the public key would let anyone sign).
        if algorithm not in ASYMMETRIC_ALGORITHMS:
            raise OAuth2Error("Invalid id_token algorithm")
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class AgencyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = VerifyingOIDCAdapter


class AgencySAMLProvider(SAMLProvider):
    def extract_extra_data(self, data: Any) -> dict[str, Any]:
        extra = dict(super().extract_extra_data(data))
        # Read from the validated assertion, for the MFA rule (accounts/sso/mfa.py).
        extra[SAML_AUTHN_CONTEXTS_KEY] = list(data.get_last_authn_contexts() or [])
        return extra
