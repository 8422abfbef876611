from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody signs up on their own: agencies invite staff, and candidates are enrolled.
        return False

    def get_login_stages(self) -> list[str]:
        # allauth's MFA step, except when the agency's IdP asserts MFA (accounts/sso/stages.py).
        return [
            "springboard.accounts.sso.stages.SsoAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]
