"""Writes about agency identity providers, each audited."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind, User
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency

TEST_TIMEOUT_SECONDS = 5


def idp_save(*, idp: AgencyIdentityProvider, agency: Agency, actor: User) -> AgencyIdentityProvider:
    created = idp.pk is None
    idp.agency = agency
    with transaction.atomic():
        idp.save()
        audit_record(
            agency=agency,
            actor=actor,
            action="sso.idp_create" if created else "sso.idp_update",
            target=idp,
            data={"name": idp.name, "kind": idp.kind},
        )
    return idp


def idp_set_enabled(*, idp: AgencyIdentityProvider, enabled: bool, actor: User) -> None:
    with transaction.atomic():
        idp.enabled = enabled
        idp.save(update_fields=["enabled", "updated_at"])
        audit_record(
            agency=idp.agency,
            actor=actor,
            action="sso.idp_enable" if enabled else "sso.idp_disable",
            target=idp,
            data={"name": idp.name},
        )


@dataclass(frozen=True)
class TestResult:
    ok: bool
    messages: list[str]


def _test_oidc(idp: AgencyIdentityProvider) -> TestResult:
    url = idp.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=TEST_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except requests.RequestException as error:
        return TestResult(
            False,
            [
                _("The discovery document at %(url)s did not answer: %(error)s")
                % {"url": url, "error": type(error).__name__}
            ],
        )
    except ValueError:
        return TestResult(
            False, [_("The discovery document at %(url)s is not JSON.") % {"url": url}]
        )
    if not isinstance(document, dict):
        return TestResult(
            False, [_("The discovery document at %(url)s is not JSON.") % {"url": url}]
        )
    problems = []
    if document.get("issuer") != idp.oidc_issuer.rstrip("/"):
        problems.append(
            _("The IdP calls itself “%(found)s”, not “%(expected)s”: copy its issuer exactly.")
            % {"found": document.get("issuer", ""), "expected": idp.oidc_issuer}
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            problems.append(_("The discovery document names no %(key)s.") % {"key": key})
    if not problems:
        try:
            keys = requests.get(document["jwks_uri"], timeout=TEST_TIMEOUT_SECONDS)
            keys.raise_for_status()
            if not keys.json().get("keys"):
                problems.append(_("The IdP publishes no signing keys."))
        except (requests.RequestException, ValueError, AttributeError):
            problems.append(_("The IdP's signing keys could not be read."))
    if problems:
        return TestResult(False, problems)
    return TestResult(True, [_("The IdP answered and publishes its signing keys.")])


def idp_test(*, idp: AgencyIdentityProvider, actor: User) -> TestResult:
    """Checks what can be checked without a person signing in; the admin then tries a sign-in."""
    if idp.kind == IdentityProviderKind.OIDC:
        result = _test_oidc(idp)
    else:
        # The certificate and URL were checked when saved; SAML has no endpoint to ask.
        result = TestResult(
            True, [_("The certificate is valid; try a sign-in to finish the test.")]
        )
    idp.last_tested_at = timezone.now()
    idp.last_test_ok = result.ok
    idp.save(update_fields=["last_tested_at", "last_test_ok"])
    audit_record(
        agency=idp.agency, actor=actor, action="sso.idp_test", target=idp, data={"ok": result.ok}
    )
    return result
