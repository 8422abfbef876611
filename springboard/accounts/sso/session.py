"""What an SSO sign-in leaves in the session, and the rule it enforces.

A session begun through agency A's identity provider is valid for agency A only: A's IdP vouches
for the person to A, not to any other agency the same person belongs to. Every other agency's URL
answers "sign in with your own credentials" until the person signs out and signs in with their
password (and second factor), which starts a session without this mark.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.socialaccount.models import SocialAccount
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from springboard.accounts.models import AgencyIdentityProvider, User
from springboard.accounts.sso.mfa import idp_asserts_mfa
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Membership

SSO_AGENCY_KEY = "springboard_sso_agency"
SSO_IDP_KEY = "springboard_sso_idp"
SSO_MFA_KEY = "springboard_sso_mfa"


def _last_social_record(request: HttpRequest, user: User) -> dict[str, Any] | None:
    """The SSO record, when the sign-in that just finished began with the agency's IdP.

    allauth logs each step of the session's sign-in: the first factor (password, code, IdP or a
    passkey) and then, perhaps, the second factor. The last first-factor step decides.
    """
    first_factors = [
        record
        for record in get_authentication_records(request, user)
        if not record.get("reauthenticated")
        and (record.get("method") != "mfa" or record.get("passwordless"))
    ]
    if not first_factors:
        return None
    last = first_factors[-1]
    return last if last.get("method") == "socialaccount" else None


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Every sign-in passes here: mark an SSO session, clear the mark on any other sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    for key in (SSO_AGENCY_KEY, SSO_IDP_KEY, SSO_MFA_KEY):
        request.session.pop(key, None)
    record = _last_social_record(request, user)
    if record is None:
        return
    idp = (
        AgencyIdentityProvider.objects.select_related("agency")
        .filter(key=record.get("provider", ""))
        .first()
    )
    if idp is None:
        # Only our agency IdPs exist as allauth apps; fail closed if that ever changes.
        request.session.flush()
        return
    account = SocialAccount.objects.filter(
        provider=idp.key, uid=record.get("uid", ""), user=user
    ).first()
    mfa = account is not None and idp_asserts_mfa(idp, account.extra_data or {})
    request.session[SSO_AGENCY_KEY] = idp.agency_id
    request.session[SSO_IDP_KEY] = idp.pk
    request.session[SSO_MFA_KEY] = mfa
    audit_record(
        agency=idp.agency,
        actor=user,
        action="sso.sign_in",
        target=idp,
        data={"idp": idp.name, "kind": idp.kind, "mfa_asserted": mfa},
    )


def sso_agency_id(request: HttpRequest) -> int | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    value = session.get(SSO_AGENCY_KEY)
    return value if isinstance(value, int) else None


def idp_asserted_mfa(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SSO_MFA_KEY) is True)


# Pages that would give an SSO session a way into the account that does not go through the IdP:
# an e-mail address (then a password reset), a password, a passkey (a first factor), or removing
# a factor. Right after the IdP sign-in, allauth counts the session as freshly authenticated, so
# its own reauthentication prompt would not stand in the way. Enrolling TOTP stays open: it is
# a second factor only, and staff the IdP did not vouch for must be able to enrol.
CREDENTIAL_PAGES = frozenset(
    {
        "account_email",
        "account_change_password",
        "account_set_password",
        "mfa_add_webauthn",
        "mfa_remove_webauthn",
        "mfa_edit_webauthn",
        "mfa_deactivate_totp",
    }
)


# Enrolling TOTP through an SSO session is refused for a person who also belongs to another
# agency: the factor would then be asked at that agency's sign-in, so agency A's IdP could lock the
# person out of agency B (or choose the factor B relies on). They enrol after a password sign-in.
SHARED_SECOND_FACTOR_PAGES = frozenset({"mfa_activate_totp"})


def refuse_credential_change(request: HttpRequest) -> HttpResponse | None:
    """An SSO session may not add or change the account's own credentials (see above)."""
    agency_id = sso_agency_id(request)
    if agency_id is None or not request.user.is_authenticated:
        return None
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    refused = match.url_name in CREDENTIAL_PAGES or (
        match.url_name in SHARED_SECOND_FACTOR_PAGES
        and Membership.objects.filter(user=request.user).exclude(agency_id=agency_id).exists()
    )
    if not refused:
        return None
    return render(request, "accounts/sso/credentials_refused.html", status=403)


def refuse_other_agency(request: HttpRequest, agency: Agency) -> HttpResponse | None:
    """The tenant middleware's check: an SSO session opens its own agency only."""
    if not request.user.is_authenticated:
        return None
    bound_to = sso_agency_id(request)
    if bound_to is None or bound_to == agency.pk:
        return None
    home = Agency.objects.filter(pk=bound_to).first()
    return render(
        request,
        "accounts/sso/other_agency.html",
        {"sso_agency": home, "requested_agency": agency},
        status=403,
    )
