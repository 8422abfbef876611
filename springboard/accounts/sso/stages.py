"""allauth's MFA login step, satisfied when the agency's IdP asserts that the person did MFA."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage
from django.http import HttpRequest

from springboard.accounts.sso.mfa import idp_asserts_mfa
from springboard.accounts.sso.selectors import enabled_idp_by_key


class SsoAwareAuthenticateStage(AuthenticateStage):
    def _should_handle(self, request: HttpRequest) -> bool:
        if not super()._should_handle(request):
            return False
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is None:
            return True
        idp = enabled_idp_by_key(sociallogin.account.provider)
        # Otherwise the person gives Springboard's second factor, as after a password.
        return idp is None or not idp_asserts_mfa(idp, sociallogin.account.extra_data or {})
