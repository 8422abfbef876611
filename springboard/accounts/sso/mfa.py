"""When an identity provider's assertion counts as "the person passed MFA there"."""

from __future__ import annotations

from typing import Any

from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind

# Our SAML provider adds the assertion's AuthnContextClassRef values to the account's extra data
# under this key (accounts/sso/providers.py); no attribute name of a real IdP looks like it.
SAML_AUTHN_CONTEXTS_KEY = "springboard:authn_contexts"


def words(text: str) -> set[str]:
    """The admin types values separated by spaces, commas or lines."""
    return {part for part in text.replace(",", " ").split() if part}


def idp_asserts_mfa(idp: AgencyIdentityProvider, extra_data: dict[str, Any]) -> bool:
    if idp.kind == IdentityProviderKind.OIDC:
        # The ID token, not the userinfo answer: only the token is signed by the IdP.
        claims = extra_data.get("id_token") or {}
        if not isinstance(claims, dict):
            return False
        amr = claims.get("amr") or []
        amr_values = {str(value) for value in amr} if isinstance(amr, list) else set()
        if amr_values & words(idp.mfa_amr_values):
            return True
        acr = claims.get("acr")
        return isinstance(acr, str) and acr in words(idp.mfa_acr_values)
    contexts = extra_data.get(SAML_AUTHN_CONTEXTS_KEY) or []
    return bool({str(value) for value in contexts} & words(idp.mfa_saml_contexts))
