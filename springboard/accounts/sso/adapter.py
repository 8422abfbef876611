"""allauth's social-account adapter for agency SSO: which IdPs exist, and who may come in."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest
from django.shortcuts import render

from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind, User
from springboard.accounts.sso.apps import social_app
from springboard.accounts.sso.selectors import enabled_idp_by_key
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import STAFF_ROLES

_KIND_BY_PROVIDER = {"openid_connect": IdentityProviderKind.OIDC, "saml": IdentityProviderKind.SAML}


def _refuse(
    request: HttpRequest, idp: AgencyIdentityProvider | None, reason: str, **data: Any
) -> ImmediateHttpResponse:
    audit_record(
        agency=idp.agency if idp is not None else None,
        actor=None,
        action="sso.refused",
        target=idp,
        data={"reason": reason, **data},
    )
    # One page for every reason: the IdP's user learns nothing about who is a member where.
    return ImmediateHttpResponse(render(request, "accounts/sso/refused.html", status=403))


def _staff_member(idp: AgencyIdentityProvider, user: User) -> bool:
    return (
        user.is_active
        and Membership.objects.filter(
            agency=idp.agency, user=user, is_active=True, role__in=STAFF_ROLES
        ).exists()
    )


def _first_link_candidate(idp: AgencyIdentityProvider, sociallogin: SocialLogin) -> User | None:
    """The staff member of the IdP's agency whose verified address the IdP sent, if exactly one."""
    addresses = {a.email.lower() for a in sociallogin.email_addresses if a.email}
    user_email = str(getattr(sociallogin.user, "email", None) or "")
    if user_email:
        addresses.add(user_email.lower())
    if len(addresses) != 1:
        return None
    (email,) = addresses
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    users = list(
        User.objects.filter(
            pk__in=verified,
            is_active=True,
            memberships__agency=idp.agency,
            memberships__is_active=True,
            memberships__role__in=STAFF_ROLES,
        ).distinct()[:2]
    )
    return users[0] if len(users) == 1 else None


class AgencySocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        # Only the agencies' own configuration: no SocialApp rows, no apps from settings.
        idps = AgencyIdentityProvider.objects.filter(enabled=True)
        if provider in _KIND_BY_PROVIDER:
            idps = idps.filter(kind=_KIND_BY_PROVIDER[provider])
        elif provider:
            idps = idps.filter(key=provider)
        if client_id:
            idps = (
                idps.filter(key=client_id)
                if provider == "saml"
                else idps.filter(oidc_client_id=client_id)
            )
        return [social_app(idp, request) for idp in idps]

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        account = sociallogin.account
        idp = enabled_idp_by_key(account.provider)
        if idp is None:
            raise _refuse(request, None, "idp_disabled", provider=account.provider)
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            # Connecting an IdP account to a signed-in person is not offered.
            raise _refuse(request, idp, "not_a_login")
        if sociallogin.is_existing:
            user = sociallogin.user
            if not isinstance(user, User) or not _staff_member(idp, user):
                raise _refuse(request, idp, "not_staff", subject=account.uid)
            return
        user_found = _first_link_candidate(idp, sociallogin)
        if user_found is None:
            raise _refuse(request, idp, "unknown_subject", subject=account.uid)
        if SocialAccount.objects.filter(provider=idp.key, user=user_found).exists():
            # The person is linked to another subject of this IdP: the e-mail alone must not
            # move the link to a new subject (a renamed or recycled IdP account).
            raise _refuse(request, idp, "already_linked", subject=account.uid)
        sociallogin.user = user_found
        sociallogin.save(request, connect=True)
        audit_record(
            agency=idp.agency,
            actor=user_found,
            action="sso.link",
            target=idp,
            data={"idp": idp.name, "subject": account.uid},
        )
