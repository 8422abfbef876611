"""The authorization matrix: (URL name, method) → role → relation → expected status.

Relations name what the requested object is to the viewer (who is always a member of agency A):
  own_agency          the viewer's own agency in the URL
  other_agency        agency B in the URL (the viewer is not a member)
  same_agency_member  a membership of agency A
  other_agency_member agency A in the URL, but a membership id of agency B
  valid_token         an open invitation of agency A
  token_other_agency  agency A in the URL, an invitation token issued by agency B
  same_agency_invitation   an open invitation of agency A, by id
  other_agency_invitation  agency A in the URL, the id of an invitation of agency B
  none                a URL without tenant or object
`anonymous` is checked against the own_agency form of the URL. Test code turns each relation
into URL arguments (tests/test_permission_matrix.py); this file is only the policy.
"""

from __future__ import annotations

Expectations = dict[str, dict[str, int]]

ROLES = ("admin", "coach", "employer_contact", "candidate")


def every_member(own: int, *, anonymous: int = 302) -> Expectations:
    """A page of the agency that every member may open."""
    table: Expectations = {role: {"own_agency": own, "other_agency": 404} for role in ROLES}
    table["anonymous"] = {"any": anonymous}
    return table


def admins_only(own: int) -> Expectations:
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["admin"] = {"own_agency": own, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def admins_only_on_member(ok: int) -> Expectations:
    table: Expectations = {
        role: {"same_agency_member": 403, "other_agency_member": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"] = {"same_agency_member": ok, "other_agency_member": 404, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def admins_only_on_invitation(ok: int) -> Expectations:
    """An invitation of agency A (same_agency_invitation) or of B under A's URL."""
    table: Expectations = {
        role: {"same_agency_invitation": 403, "other_agency_invitation": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"] = {
        "same_agency_invitation": ok,
        "other_agency_invitation": 404,
        "other_agency": 404,
    }
    table["anonymous"] = {"any": 302}
    return table


def no_tenant(signed_in: int, anonymous: int) -> Expectations:
    table: Expectations = {role: {"none": signed_in} for role in ROLES}
    table["anonymous"] = {"any": anonymous}
    return table


def account_page(signed_in: int, anonymous: int, *, candidate: int | None = None) -> Expectations:
    """allauth's pages: the same for every staff role; candidates may differ (no MFA)."""
    table = no_tenant(signed_in, anonymous)
    if candidate is not None:
        table["candidate"] = {"none": candidate}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    # --- shell -------------------------------------------------------------------------------
    ("home", "GET"): no_tenant(302, 302),
    ("healthz", "GET"): no_tenant(200, 200),
    ("readyz", "GET"): no_tenant(200, 200),
    ("language_switch", "POST"): no_tenant(302, 302),
    ("agencies:list", "GET"): no_tenant(200, 302),
    # --- tenancy -----------------------------------------------------------------------------
    ("home:agency", "GET"): every_member(200),
    ("tenancy:members", "GET"): admins_only(200),
    ("tenancy:member_invite", "GET"): admins_only(200),
    ("tenancy:member_invite", "POST"): admins_only(200),
    ("tenancy:member_edit", "GET"): admins_only_on_member(200),
    ("tenancy:member_edit", "POST"): admins_only_on_member(200),
    ("tenancy:member_deactivate", "POST"): admins_only_on_member(302),
    ("tenancy:member_reactivate", "POST"): admins_only_on_member(302),
    ("privacy:audit", "GET"): admins_only(200),
    ("tenancy:invitation_revoke", "POST"): admins_only_on_invitation(302),
    ("api:invitations", "GET"): {**admins_only(200), "anonymous": {"any": 401}},
    ("api:invitation_revoke", "POST"): {
        **admins_only_on_invitation(200),
        "anonymous": {"any": 401},
    },
    # --- invitations: public links, bound to the agency that issued them --------------------
    ("accounts:invitation_accept", "GET"): {
        **{role: {"valid_token": 200, "token_other_agency": 404} for role in ROLES},
        "anonymous": {"valid_token": 200, "token_other_agency": 404},
    },
    ("accounts:invitation_accept", "POST"): {
        **{role: {"valid_token": 200, "token_other_agency": 404} for role in ROLES},
        "anonymous": {"valid_token": 200, "token_other_agency": 404},
    },
    # --- allauth -----------------------------------------------------------------------------
    # Reauthentication by an e-mailed code is switched off (settings): 403 for every signed-in user.
    ("account_login", "GET"): account_page(302, 200),
    ("account_logout", "GET"): account_page(200, 302),
    ("account_inactive", "GET"): account_page(200, 200),
    ("account_signup", "GET"): account_page(302, 200),
    ("account_reauthenticate", "GET"): account_page(200, 302),
    ("account_email", "GET"): account_page(200, 302),
    ("account_email_verification_sent", "GET"): account_page(200, 200),
    ("account_change_password", "GET"): account_page(200, 302),
    ("account_set_password", "GET"): account_page(302, 302),
    ("account_reset_password", "GET"): account_page(200, 200),
    ("account_confirm_login_code", "GET"): account_page(302, 302),
    ("account_confirm_email", "GET"): account_page(200, 200),
    ("account_reset_password_from_key_done", "GET"): account_page(200, 200),
    ("account_reset_password_from_key", "GET"): account_page(200, 200),
    ("account_reset_password_done", "GET"): account_page(200, 200),
    ("mfa_index", "GET"): account_page(200, 302),
    ("mfa_authenticate", "GET"): account_page(302, 302),
    ("mfa_reauthenticate", "GET"): account_page(200, 302, candidate=302),
    ("mfa_activate_totp", "GET"): account_page(302, 302),
    ("mfa_deactivate_totp", "GET"): account_page(302, 302, candidate=404),
    ("mfa_view_recovery_codes", "GET"): account_page(404, 302),
    ("mfa_generate_recovery_codes", "GET"): account_page(302, 302),
    ("mfa_download_recovery_codes", "GET"): account_page(404, 302),
    ("mfa_list_webauthn", "GET"): account_page(200, 302),
    ("mfa_add_webauthn", "GET"): account_page(302, 302),
    ("mfa_reauthenticate_webauthn", "GET"): account_page(302, 302),
    ("mfa_remove_webauthn", "GET"): account_page(302, 302),
    ("mfa_edit_webauthn", "GET"): account_page(302, 302),
    ("mfa_login_webauthn", "GET"): account_page(302, 302),
    ("account_login", "POST"): account_page(302, 200),
    ("account_logout", "POST"): account_page(302, 302),
    ("account_signup", "POST"): account_page(302, 200),
    ("account_reauthenticate", "POST"): account_page(200, 302),
    ("account_request_reauthentication_code", "GET"): account_page(403, 302),
    ("account_request_reauthentication_code", "POST"): account_page(403, 302),
    ("account_confirm_reauthentication_code", "GET"): account_page(403, 302),
    ("account_confirm_reauthentication_code", "POST"): account_page(403, 302),
    ("account_email", "POST"): account_page(302, 302),
    ("account_change_password", "POST"): account_page(200, 302),
    ("account_set_password", "POST"): account_page(302, 302),
    ("account_reset_password", "POST"): account_page(200, 200),
    ("account_confirm_login_code", "POST"): account_page(302, 302),
    ("account_confirm_email", "POST"): account_page(404, 404),
    ("account_reset_password_from_key", "POST"): account_page(200, 200),
    ("mfa_authenticate", "POST"): account_page(302, 302),
    ("mfa_reauthenticate", "POST"): account_page(200, 302, candidate=302),
    ("mfa_activate_totp", "POST"): account_page(302, 302),
    ("mfa_deactivate_totp", "POST"): account_page(302, 302, candidate=404),
    ("mfa_generate_recovery_codes", "POST"): account_page(302, 302),
    ("mfa_add_webauthn", "POST"): account_page(302, 302),
    ("mfa_reauthenticate_webauthn", "POST"): account_page(302, 302),
    ("mfa_remove_webauthn", "POST"): account_page(302, 302),
    ("mfa_remove_webauthn", "DELETE"): account_page(302, 302),
    ("mfa_edit_webauthn", "POST"): account_page(302, 302),
    ("mfa_login_webauthn", "POST"): account_page(302, 302),
}


# Each app keeps its rows beside its relations; see KWARGS_BY_NAMESPACE in test_permission_matrix.
from tests.matrix_employers import MATRIX as _EMPLOYERS  # noqa: E402

MATRIX.update(_EMPLOYERS)
from tests.matrix_programmes import MATRIX as _PROGRAMMES  # noqa: E402

MATRIX.update(_PROGRAMMES)
from tests.matrix_taxonomy import MATRIX as _TAXONOMY  # noqa: E402

MATRIX.update(_TAXONOMY)
from tests.matrix_assessments import MATRIX as _ASSESSMENTS  # noqa: E402

MATRIX.update(_ASSESSMENTS)
from tests.matrix_profiles import MATRIX as _PROFILES  # noqa: E402

MATRIX.update(_PROFILES)
from tests.matrix_opportunities import MATRIX as _OPPORTUNITIES  # noqa: E402

MATRIX.update(_OPPORTUNITIES)
from tests.matrix_network import MATRIX as _NETWORK  # noqa: E402

MATRIX.update(_NETWORK)
from tests.matrix_coaching import MATRIX as _COACHING  # noqa: E402

MATRIX.update(_COACHING)
from tests.matrix_outcomes import MATRIX as _OUTCOMES  # noqa: E402

MATRIX.update(_OUTCOMES)
from tests.matrix_cvs import MATRIX as _CVS  # noqa: E402

MATRIX.update(_CVS)
from tests.matrix_jobs import MATRIX as _JOBS  # noqa: E402

MATRIX.update(_JOBS)
from tests.matrix_exports import MATRIX as _EXPORTS  # noqa: E402

MATRIX.update(_EXPORTS)
from tests.matrix_erasure import MATRIX as _ERASURE  # noqa: E402

MATRIX.update(_ERASURE)
from tests.matrix_consents import MATRIX as _CONSENTS  # noqa: E402

MATRIX.update(_CONSENTS)
from tests.matrix_myaudit import MATRIX as _MYAUDIT  # noqa: E402

MATRIX.update(_MYAUDIT)
from tests.matrix_tokens import MATRIX as _TOKENS  # noqa: E402

MATRIX.update(_TOKENS)
from tests.matrix_sso import MATRIX as _SSO  # noqa: E402

MATRIX.update(_SSO)
