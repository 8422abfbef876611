"""Staff single sign-on per agency (accounts/sso/, docs/sso.md), against local IdPs (sso_idp.py).

The rules under test: an agency's IdP signs in only people who are already active staff of that
agency; the session it makes opens that agency only; candidates and unknown subjects are refused;
a token that is tampered with, expired, for another client or replayed signs in nobody; MFA is
asked for unless the IdP asserts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from springboard.accounts.models import AgencyIdentityProvider, IdentityProviderKind
from springboard.accounts.sso.session import SSO_AGENCY_KEY, SSO_MFA_KEY
from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role
from tests.factories import PASSWORD, World, current_totp_code, make_member
from tests.sso_idp import Identity, OidcProvider, SamlIdp, running_oidc_provider

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def oidc() -> Iterator[OidcProvider]:
    with running_oidc_provider() as provider:
        yield provider


def oidc_idp(agency: Agency, provider: OidcProvider, **fields: Any) -> AgencyIdentityProvider:
    return AgencyIdentityProvider.objects.create(
        agency=agency,
        kind=IdentityProviderKind.OIDC,
        name=f"{agency.name} Entra",
        oidc_issuer=provider.issuer,
        oidc_client_id=provider.client_id,
        oidc_client_secret=provider.client_secret,
        **fields,
    )


def oidc_sign_in(
    client: Client, idp: AgencyIdentityProvider, provider: OidcProvider, identity: Identity
) -> tuple[Any, str]:
    """The browser's round trip: Springboard → IdP (signs `identity` in) → Springboard's callback.

    Returns the callback's response and the callback URL (to replay it)."""
    provider.next_identity = identity
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": idp.key}),
        {"process": "login", "next": f"/a/{idp.agency.slug}/"},
    )
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(provider.issuer + "/authorize")
    at_idp = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_idp.headers["Location"])
    callback = f"{back.path}?{back.query}"
    return client.get(callback), callback


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def coach_identity(member: Membership, **kwargs: Any) -> Identity:
    return Identity(sub=f"sub-{member.user.pk}", email=member.user.email, **kwargs)


# --- signing in ------------------------------------------------------------------------------


def test_staff_member_signs_in_and_mfa_asserted_by_the_idp_skips_the_second_factor(
    world: World, oidc: OidcProvider, client: Client
) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    coach = world.a.coach
    response, _ = oidc_sign_in(client, idp, oidc, coach_identity(coach, amr=["pwd", "mfa"]))
    assert response.status_code == 302
    assert response["Location"] == f"/a/{world.a.agency.slug}/"
    assert signed_in_user_id(client) == str(coach.user.pk)
    assert client.session[SSO_AGENCY_KEY] == world.a.agency.pk
    assert client.session[SSO_MFA_KEY] is True
    assert client.get(f"/a/{world.a.agency.slug}/").status_code == 200
    # The code is bound to this browser's sign-in by PKCE (the IdP checked the verifier).
    assert oidc.last_authorize["code_challenge_method"] == "S256"
    link = SocialAccount.objects.get(provider=idp.key)
    assert (link.user_id, link.uid) == (coach.user.pk, f"sub-{coach.user.pk}")
    actions = set(AuditEvent.objects.filter(agency=world.a.agency).values_list("action", flat=True))
    assert {"sso.link", "sso.sign_in"} <= actions


def test_without_mfa_from_the_idp_the_springboard_second_factor_is_asked(
    world: World, oidc: OidcProvider, client: Client
) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    coach = world.a.coach
    response, _ = oidc_sign_in(client, idp, oidc, coach_identity(coach, amr=["pwd"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    done = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(coach.user)})
    assert done.status_code == 302
    assert signed_in_user_id(client) == str(coach.user.pk)
    assert client.session[SSO_MFA_KEY] is False
    assert client.session[SSO_AGENCY_KEY] == world.a.agency.pk


def test_staff_without_an_authenticator_must_enrol_unless_the_idp_asserts_mfa(
    world: World, oidc: OidcProvider
) -> None:
    idp = oidc_idp(world.a.agency, oidc, mfa_acr_values="urn:example:loa:mfa")
    fresh = make_member(world.a.agency, Role.COACH, mfa=False)
    home = f"/a/{world.a.agency.slug}/"
    plain = Client()
    oidc_sign_in(plain, idp, oidc, coach_identity(fresh))
    assert signed_in_user_id(plain) == str(fresh.user.pk)
    assert plain.get(home)["Location"] == reverse("mfa_index")
    strong = Client()
    oidc_sign_in(strong, idp, oidc, coach_identity(fresh, acr="urn:example:loa:mfa"))
    assert strong.get(home).status_code == 200


def test_the_subject_not_the_email_identifies_a_linked_person(
    world: World, oidc: OidcProvider
) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    coach = world.a.coach
    oidc_sign_in(Client(), idp, oidc, coach_identity(coach, amr=["mfa"]))
    # Same subject, new address at the IdP: still the same person.
    again = Client()
    oidc_sign_in(
        again,
        idp,
        oidc,
        Identity(sub=f"sub-{coach.user.pk}", email="x@elsewhere.test", amr=["mfa"]),
    )
    assert signed_in_user_id(again) == str(coach.user.pk)
    # Another subject with the coach's address: the e-mail only links once.
    other = Client()
    response, _ = oidc_sign_in(
        other, idp, oidc, Identity(sub="someone-else", email=coach.user.email)
    )
    assert response.status_code == 403
    assert signed_in_user_id(other) is None


# --- refusals ---------------------------------------------------------------------------------


def test_sso_session_opens_its_own_agency_only(world: World, oidc: OidcProvider) -> None:
    person = world.a.coach
    make_member(world.b.agency, Role.ADMIN, user=person.user)
    idp = oidc_idp(world.a.agency, oidc)
    client = Client()
    oidc_sign_in(client, idp, oidc, coach_identity(person, amr=["mfa"]))
    assert client.get(f"/a/{world.a.agency.slug}/").status_code == 200
    for url in (
        f"/a/{world.b.agency.slug}/",
        f"/a/{world.b.agency.slug}/members/",
        f"/api/v1/a/{world.b.agency.slug}/invitations",
    ):
        refused = client.get(url)
        assert refused.status_code == 403, url
    assert b"Sign in again" in client.get(f"/a/{world.b.agency.slug}/").content
    # Signing in with the person's own password (and second factor) lifts the restriction.
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": person.user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code(person.user)})
    assert signed_in_user_id(client) == str(person.user.pk)
    assert SSO_AGENCY_KEY not in client.session
    assert client.get(f"/a/{world.b.agency.slug}/").status_code == 200


def test_an_idp_of_one_agency_cannot_sign_in_staff_of_another(
    world: World, oidc: OidcProvider
) -> None:
    idp_b = oidc_idp(world.b.agency, oidc)
    client = Client()
    response, _ = oidc_sign_in(client, idp_b, oidc, coach_identity(world.a.coach, amr=["mfa"]))
    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get(action="sso.refused")
    assert (event.agency_id, event.data["reason"]) == (world.b.agency.pk, "unknown_subject")


def test_a_link_made_in_one_agency_does_not_work_through_another_agencys_idp(
    world: World, oidc: OidcProvider
) -> None:
    # Both agencies use the same tenant of the same IdP (same subjects): each has its own link.
    idp_a, idp_b = oidc_idp(world.a.agency, oidc), oidc_idp(world.b.agency, oidc)
    coach = world.a.coach
    oidc_sign_in(Client(), idp_a, oidc, coach_identity(coach, amr=["mfa"]))
    client = Client()
    response, _ = oidc_sign_in(client, idp_b, oidc, coach_identity(coach, amr=["mfa"]))
    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    assert idp_a.key != idp_b.key


@pytest.mark.parametrize("who", ["unknown", "candidate", "inactive_member", "unverified"])
def test_refused_people(world: World, oidc: OidcProvider, who: str) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    if who == "unknown":
        identity = Identity(sub="nobody", email="nobody@example.test", amr=["mfa"])
    elif who == "candidate":
        identity = coach_identity(world.a.candidate, amr=["mfa"])
    elif who == "inactive_member":
        Membership.objects.filter(pk=world.a.coach.pk).update(is_active=False)
        identity = coach_identity(world.a.coach, amr=["mfa"])
    else:
        EmailAddress.objects.filter(user=world.a.coach.user).update(verified=False)
        identity = coach_identity(world.a.coach, amr=["mfa"])
    client = Client()
    response, _ = oidc_sign_in(client, idp, oidc, identity)
    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


def test_a_linked_person_who_left_the_agency_is_refused(world: World, oidc: OidcProvider) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    oidc_sign_in(Client(), idp, oidc, coach_identity(world.a.coach, amr=["mfa"]))
    Membership.objects.filter(pk=world.a.coach.pk).update(is_active=False)
    client = Client()
    response, _ = oidc_sign_in(client, idp, oidc, coach_identity(world.a.coach, amr=["mfa"]))
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_a_disabled_idp_signs_in_nobody(world: World, oidc: OidcProvider, client: Client) -> None:
    idp = oidc_idp(world.a.agency, oidc, enabled=False)
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": idp.key}))
    assert start.status_code == 404
    # Disabled while the person is at the IdP: the callback signs in nobody either.
    idp.enabled = True
    idp.save()
    oidc.next_identity = coach_identity(world.a.coach, amr=["mfa"])
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": idp.key}), {"process": "login"}
    )
    back = urlsplit(
        requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    )
    AgencyIdentityProvider.objects.filter(pk=idp.pk).update(enabled=False)
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 404
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("tamper", ["signature", "issuer", "audience", "expired", "alg_none"])
def test_tampered_id_tokens_are_refused(world: World, oidc: OidcProvider, tamper: str) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    oidc.tamper = tamper
    client = Client()
    response, _ = oidc_sign_in(client, idp, oidc, coach_identity(world.a.coach, amr=["mfa"]))
    assert response.status_code in {200, 400, 401, 403}
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


def test_a_replayed_callback_signs_in_nobody(world: World, oidc: OidcProvider) -> None:
    idp = oidc_idp(world.a.agency, oidc)
    first = Client()
    _, callback = oidc_sign_in(first, idp, oidc, coach_identity(world.a.coach, amr=["mfa"]))
    assert signed_in_user_id(first) is not None
    # The same code and state again, from the same browser after signing out, or another one.
    first.post(reverse("account_logout"))
    for client in (first, Client()):
        response = client.get(callback)
        assert response.status_code in {200, 400, 401, 403}
        assert signed_in_user_id(client) is None


def test_connect_and_signup_pages_of_allauth_are_not_served(client: Client) -> None:
    assert client.get("/accounts/3rdparty/").status_code == 404
    assert client.get("/accounts/3rdparty/signup/").status_code == 404
    assert client.get("/accounts/saml/anything/sls/").status_code == 404  # no such IdP


# --- SAML ------------------------------------------------------------------------------------


@pytest.fixture
def saml() -> SamlIdp:
    return SamlIdp()


def saml_idp(agency: Agency, idp: SamlIdp, **fields: Any) -> AgencyIdentityProvider:
    return AgencyIdentityProvider.objects.create(
        agency=agency,
        kind=IdentityProviderKind.SAML,
        name=f"{agency.name} Okta",
        saml_entity_id=idp.entity_id,
        saml_sso_url=idp.sso_url,
        saml_x509cert=idp.cert_pem,
        mfa_saml_contexts="http://schemas.microsoft.com/claims/multipleauthn",
        **fields,
    )


def saml_sign_in(
    client: Client, row: AgencyIdentityProvider, idp: SamlIdp, **response_args: Any
) -> tuple[Any, dict[str, str]]:
    start = client.post(
        reverse("saml_login", kwargs={"organization_slug": row.key}),
        {"process": "login", "next": f"/a/{row.agency.slug}/"},
    )
    assert start.status_code == 302, start.content[:300]
    assert start["Location"].startswith(idp.sso_url)
    request_id, acs_url, relay = idp.read_authn_request(start["Location"])
    audience = "http://testserver" + reverse("saml_metadata", kwargs={"organization_slug": row.key})
    posted = {
        "SAMLResponse": idp.response(
            in_response_to=request_id, acs_url=acs_url, audience=audience, **response_args
        ),
        "RelayState": relay,
    }
    return _post_to_acs(client, row, posted), posted


def _post_to_acs(client: Client, row: AgencyIdentityProvider, posted: dict[str, str]) -> Any:
    acs = client.post(reverse("saml_acs", kwargs={"organization_slug": row.key}), posted)
    assert acs.status_code == 302
    return client.get(acs["Location"])


def test_saml_sign_in_with_mfa_context(world: World, saml: SamlIdp) -> None:
    row = saml_idp(world.a.agency, saml)
    coach = world.a.coach
    client = Client()
    response, _ = saml_sign_in(
        client,
        row,
        saml,
        name_id="okta-123",
        email=coach.user.email,
        authn_context="http://schemas.microsoft.com/claims/multipleauthn",
    )
    assert response.status_code == 302, response.content[:800]
    assert signed_in_user_id(client) == str(coach.user.pk)
    assert client.session[SSO_MFA_KEY] is True
    assert client.get(f"/a/{world.a.agency.slug}/").status_code == 200
    assert client.get(f"/a/{world.b.agency.slug}/").status_code == 403
    assert SocialAccount.objects.get(provider=row.key).uid == "okta-123"


def test_saml_without_mfa_context_asks_for_the_second_factor(world: World, saml: SamlIdp) -> None:
    row = saml_idp(world.a.agency, saml)
    client = Client()
    response, _ = saml_sign_in(client, row, saml, name_id="okta-1", email=world.a.coach.user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("tamper", ["signature_key", "altered", "issuer", "expired", "audience"])
def test_saml_tampering_is_refused(world: World, saml: SamlIdp, tamper: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    row = saml_idp(world.a.agency, saml)
    args: dict[str, Any] = {"name_id": "okta-9", "email": world.a.coach.user.email}
    if tamper == "signature_key":
        args["sign_with"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif tamper == "altered":
        args["tamper_after_signing"] = True
    elif tamper == "issuer":
        args["issuer"] = "https://evil.example.test/saml"
    elif tamper == "expired":
        args["expired"] = True
    client = Client()
    if tamper == "audience":
        # A response made for another service provider (agency B's SAML app).
        other = saml_idp(world.b.agency, saml)
        start = client.post(reverse("saml_login", kwargs={"organization_slug": row.key}))
        request_id, acs_url, relay = saml.read_authn_request(start["Location"])
        audience = "http://testserver" + reverse(
            "saml_metadata", kwargs={"organization_slug": other.key}
        )
        posted = {
            "SAMLResponse": saml.response(
                in_response_to=request_id, acs_url=acs_url, audience=audience, **args
            ),
            "RelayState": relay,
        }
        response = _post_to_acs(client, row, posted)
    else:
        response, _ = saml_sign_in(client, row, saml, **args)
    assert response.status_code in {200, 400, 401, 403}
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


def test_saml_replay_and_idp_initiated_responses_are_refused(world: World, saml: SamlIdp) -> None:
    row = saml_idp(world.a.agency, saml)
    coach = world.a.coach
    args: dict[str, Any] = {
        "name_id": "okta-5",
        "email": coach.user.email,
        "authn_context": "http://schemas.microsoft.com/claims/multipleauthn",
    }
    client = Client()
    _, posted = saml_sign_in(client, row, saml, **args)
    assert signed_in_user_id(client) == str(coach.user.pk)
    client.post(reverse("account_logout"))
    for attacker in (client, Client()):
        _post_to_acs(attacker, row, posted)
        assert signed_in_user_id(attacker) is None
    # A response nobody asked for (IdP-initiated) is refused too.
    unsolicited = Client()
    audience = "http://testserver" + reverse("saml_metadata", kwargs={"organization_slug": row.key})
    acs_url = "http://testserver" + reverse("saml_acs", kwargs={"organization_slug": row.key})
    response = saml.response(in_response_to=None, acs_url=acs_url, audience=audience, **args)
    _post_to_acs(unsolicited, row, {"SAMLResponse": response})
    assert signed_in_user_id(unsolicited) is None


# --- the agency admin's pages -------------------------------------------------------------------


def _admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.a.admin.user)
    return client


def test_admin_adds_tests_and_disables_an_oidc_idp(world: World, oidc: OidcProvider) -> None:
    client = _admin_client(world)
    slug = world.a.agency.slug
    url = reverse("sso:create", kwargs={"agency_slug": slug, "kind": "oidc"})
    bad = client.post(url, {"name": "Entra", "oidc_issuer": "ftp://x", "oidc_client_id": "c"})
    assert bad.status_code == 200
    assert b"https://" in bad.content
    assert not AgencyIdentityProvider.objects.exists()
    insecure = client.post(
        url,
        {
            "name": "Entra",
            "oidc_issuer": "http://idp.example.test",
            "oidc_client_id": "c",
            "oidc_client_secret": "s",
        },
    )
    assert insecure.status_code == 200
    assert not AgencyIdentityProvider.objects.exists()
    saved = client.post(
        url,
        {
            "name": "Entra",
            "oidc_issuer": oidc.issuer + "/",
            "oidc_client_id": oidc.client_id,
            "oidc_client_secret": oidc.client_secret,
            "mfa_amr_values": "mfa",
        },
    )
    assert saved.status_code == 302
    idp = AgencyIdentityProvider.objects.get()
    assert (idp.agency, idp.oidc_issuer) == (world.a.agency, oidc.issuer)
    # Editing without retyping the secret keeps it, and the page never shows it.
    edit = reverse("sso:edit", kwargs={"agency_slug": slug, "public_id": idp.public_id})
    page = client.get(edit)
    assert oidc.client_secret.encode() not in page.content
    client.post(
        edit,
        {
            "name": "Entra ID",
            "oidc_issuer": oidc.issuer,
            "oidc_client_id": oidc.client_id,
            "mfa_amr_values": "mfa",
        },
    )
    idp.refresh_from_db()
    assert (idp.name, idp.oidc_client_secret) == ("Entra ID", oidc.client_secret)
    tested = client.post(
        reverse("sso:test", kwargs={"agency_slug": slug, "public_id": idp.public_id}), follow=True
    )
    assert b"publishes its signing keys" in tested.content
    idp.refresh_from_db()
    assert idp.last_test_ok is True
    # The sign-in page offers it to staff.
    signin = Client().get(reverse("sso:signin", kwargs={"agency_slug": slug}))
    assert b"Sign in with Entra ID" in signin.content
    client.post(reverse("sso:toggle", kwargs={"agency_slug": slug, "public_id": idp.public_id}))
    idp.refresh_from_db()
    assert idp.enabled is False
    assert (
        b"Sign in with Entra ID"
        not in Client().get(reverse("sso:signin", kwargs={"agency_slug": slug})).content
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sso.idp_create", "sso.idp_update", "sso.idp_test", "sso.idp_disable"} <= actions


def test_testing_an_idp_that_does_not_answer_says_so(world: World) -> None:
    client = _admin_client(world)
    idp = AgencyIdentityProvider.objects.create(
        agency=world.a.agency,
        kind=IdentityProviderKind.OIDC,
        name="Gone",
        oidc_issuer="http://127.0.0.1:9/none",
        oidc_client_id="c",
        oidc_client_secret="s",
    )
    slug = world.a.agency.slug
    page = client.post(
        reverse("sso:test", kwargs={"agency_slug": slug, "public_id": idp.public_id}), follow=True
    )
    assert page.status_code == 200
    assert b"did not answer" in page.content
    idp.refresh_from_db()
    assert idp.last_test_ok is False


def test_admin_adds_a_saml_idp_with_certificate_checks_and_downloads_metadata(
    world: World, saml: SamlIdp
) -> None:
    from cryptography.hazmat.primitives import serialization

    from tests.sso_idp import self_signed_certificate

    client = _admin_client(world)
    slug = world.a.agency.slug
    url = reverse("sso:create", kwargs={"agency_slug": slug, "kind": "saml"})
    base = {"name": "Okta", "saml_entity_id": saml.entity_id, "saml_sso_url": saml.sso_url}
    for bad_cert, message in (
        ("not a certificate", b"not an X.509 certificate"),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            b"not an X.509 certificate",
        ),
        (
            self_signed_certificate(saml.key, days=-2)
            .public_bytes(serialization.Encoding.PEM)
            .decode(),
            b"expired",
        ),
    ):
        page = client.post(url, {**base, "saml_x509cert": bad_cert})
        assert page.status_code == 200
        assert message in page.content
    spaced = client.post(
        url, {**base, "saml_entity_id": "two words", "saml_x509cert": saml.cert_pem}
    )
    assert b"no spaces" in spaced.content
    assert not AgencyIdentityProvider.objects.exists()
    assert client.post(url, {**base, "saml_x509cert": saml.cert_pem}).status_code == 302
    idp = AgencyIdentityProvider.objects.get()
    assert "BEGIN" not in idp.saml_x509cert
    metadata = client.get(
        reverse("sso:metadata", kwargs={"agency_slug": slug, "public_id": idp.public_id})
    )
    assert metadata.status_code == 200
    assert "attachment" in metadata["Content-Disposition"]
    assert b"EntityDescriptor" in metadata.content
    assert reverse("saml_acs", kwargs={"organization_slug": idp.key}).encode() in metadata.content
    assert (
        client.get(reverse("sso:create", kwargs={"agency_slug": slug, "kind": "ldap"})).status_code
        == 404
    )


def test_unknown_kind_and_other_agency_idps_are_404(world: World, oidc: OidcProvider) -> None:
    idp_b = oidc_idp(world.b.agency, oidc)
    client = _admin_client(world)
    slug = world.a.agency.slug
    assert (
        client.get(
            reverse("sso:edit", kwargs={"agency_slug": slug, "public_id": idp_b.public_id})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("sso:metadata", kwargs={"agency_slug": slug, "public_id": idp_b.public_id})
        ).status_code
        == 404
    )


def test_id_token_signatures_are_checked_even_from_the_token_endpoint(
    world: World, oidc: OidcProvider
) -> None:
    """allauth alone skips the signature check for a token from the token endpoint; ours does
    not (the token's amr decides about MFA), which is why the tampered-signature case fails."""
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
    from django.test import RequestFactory

    from springboard.accounts.sso.apps import social_app
    from springboard.accounts.sso.providers import VerifyingOIDCAdapter

    idp = oidc_idp(world.a.agency, oidc)
    app = social_app(idp)
    oidc.tamper = "signature"
    forged = oidc.id_token(coach_identity(world.a.coach, amr=["mfa"]), None)
    request = RequestFactory().get("/")
    stock = OpenIDConnectOAuth2Adapter(request, idp.key)
    stock.did_fetch_access_token = True
    assert stock._decode_id_token(app, forged)["amr"] == ["mfa"]
    ours = VerifyingOIDCAdapter(request, idp.key)
    ours.did_fetch_access_token = True
    with pytest.raises(OAuth2Error):
        ours._decode_id_token(app, forged)
    oidc.tamper = None
    genuine = oidc.id_token(coach_identity(world.a.coach, amr=["mfa"]), None)
    assert ours._decode_id_token(app, genuine)["sub"] == f"sub-{world.a.coach.user.pk}"


def test_staff_of_one_agency_only_enrol_totp_in_an_sso_session(
    world: World, oidc: OidcProvider
) -> None:
    """Staff the IdP did not vouch for must be able to enrol a second factor; a member of
    another agency too enrols after a password sign-in (the factor would be asked there)."""
    idp = oidc_idp(world.a.agency, oidc)
    fresh = make_member(world.a.agency, Role.COACH, mfa=False)
    client = Client()
    oidc_sign_in(client, idp, oidc, coach_identity(fresh, amr=["pwd"]))
    # Let through to allauth, which asks to confirm the identity first.
    allowed = client.get(reverse("mfa_activate_totp"))
    assert allowed.status_code == 302
    assert allowed["Location"].startswith(reverse("account_reauthenticate"))
    make_member(world.b.agency, Role.COACH, user=fresh.user, mfa=False)
    assert client.get(reverse("mfa_activate_totp")).status_code == 403


def test_an_sso_session_cannot_add_credentials_that_bypass_the_idp(
    world: World, oidc: OidcProvider
) -> None:
    """Agency A's IdP could otherwise add an address (then reset the password) or a passkey,
    and so sign in as the person in agency B without it."""
    person = world.a.coach
    make_member(world.b.agency, Role.COACH, user=person.user)
    idp = oidc_idp(world.a.agency, oidc)
    client = Client()
    oidc_sign_in(client, idp, oidc, coach_identity(person, amr=["mfa"]))
    for name in ("account_email", "account_change_password", "mfa_add_webauthn"):
        assert client.get(reverse(name)).status_code == 403, name
    added = client.post(
        reverse("account_email"), {"action_add": "", "email": "attacker@example.test"}
    )
    assert added.status_code == 403
    assert not EmailAddress.objects.filter(email="attacker@example.test").exists()
    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": "x", "password1": "a-new-long-pass", "password2": "a-new-long-pass"},
    )
    assert changed.status_code == 403
    # The factor would be asked in agency B too, so a member of B enrols after a password sign-in.
    assert client.get(reverse("mfa_activate_totp")).status_code == 403
    assert client.get(reverse("mfa_index")).status_code == 200
    # After signing in with the password, the account pages open again.
    client.post(reverse("account_logout"))
    password_client = Client()
    password_client.force_login(person.user)
    assert password_client.get(reverse("account_email")).status_code == 200
