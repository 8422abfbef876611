"""Local identity providers for the SSO tests: nothing leaves this machine.

`OidcProvider` is a small threaded HTTP server (discovery, JWKS, authorize, token, userinfo) that
signs RS256 ID tokens with a key generated per test. It "signs in" whoever the test puts in
`next_identity`, and `tamper` spoils one part of the next ID token to check that Springboard
refuses it. `SamlIdp` builds and signs SAML responses with python3-saml's xmlsec helpers.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape, quoteattr

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils


def _b64url_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass
class Identity:
    sub: str
    email: str
    name: str = "Test Person"
    amr: list[str] = field(default_factory=lambda: ["pwd"])
    acr: str | None = None


class OidcProvider:
    client_id = "springboard-test-client"
    client_secret = "s3cret-" + "x" * 20

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.next_identity: Identity | None = None
        # One of: "signature", "issuer", "audience", "expired", "alg_none".
        self.tamper: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests = 0
        self.last_authorize: dict[str, str] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}/realms/test"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- protocol -----------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64url_uint(numbers.n),
                    "e": _b64url_uint(numbers.e),
                }
            ]
        }

    def id_token(self, identity: Identity, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": identity.sub,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "email": identity.email,
            "name": identity.name,
            "amr": identity.amr,
            "jti": secrets.token_hex(8),
        }
        if identity.acr:
            claims["acr"] = identity.acr
        if nonce:
            claims["nonce"] = nonce
        key: Any = self.key
        algorithm = "RS256"
        if self.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1/realms/evil"
        elif self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.tamper == "signature":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": self.kid})
        if self.tamper == "alg_none":
            token = jwt.encode(claims, None, algorithm="none", headers={"kid": self.kid})  # type: ignore[arg-type]
        return token

    def authorize_redirect(self, query: dict[str, str]) -> str:
        """What the IdP answers once its user has signed in: the redirect back with a code."""
        self.last_authorize = dict(query)
        if query.get("client_id") != self.client_id or self.next_identity is None:
            return query.get("redirect_uri", "") + "?" + urlencode({"error": "access_denied"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "identity": self.next_identity,
            "redirect_uri": query.get("redirect_uri"),
            "nonce": query.get("nonce"),
            "challenge": query.get("code_challenge"),
        }
        params = {"code": code, "state": query.get("state", "")}
        return query["redirect_uri"] + "?" + urlencode(params)

    def exchange(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict]:
        self.token_requests += 1
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if (client_id, secret) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if computed != grant["challenge"]:
                return 400, {"error": "invalid_grant"}
        identity: Identity = grant["identity"]
        access = secrets.token_urlsafe(16)
        self.codes["access:" + access] = {"identity": identity}
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(identity, grant["nonce"]),
        }

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        grant = self.codes.get("access:" + authorization.removeprefix("Bearer "))
        if grant is None:
            return 401, {"error": "invalid_token"}
        identity: Identity = grant["identity"]
        return 200, {"sub": identity.sub, "email": identity.email, "name": identity.name}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = parts.path.removeprefix("/realms/test")
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if path == "/.well-known/openid-configuration":
                    self._json(200, idp.discovery())
                elif path == "/jwks":
                    self._json(200, idp.jwks())
                elif path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", idp.authorize_redirect(query))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/userinfo":
                    self._json(*idp.userinfo(self.headers.get("Authorization", "")))
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                basic = None
                header = self.headers.get("Authorization", "")
                if header.startswith("Basic "):
                    from urllib.parse import unquote

                    decoded = base64.b64decode(header[6:]).decode()
                    user, _, password = decoded.partition(":")
                    basic = (unquote(user), unquote(password))
                if urlsplit(self.path).path.endswith("/token"):
                    self._json(*idp.exchange(form, basic))
                else:
                    self._json(404, {"error": "not_found"})

        return Handler


@contextmanager
def running_oidc_provider() -> Iterator[OidcProvider]:
    provider = OidcProvider().start()
    try:
        yield provider
    finally:
        provider.stop()


# --- SAML ------------------------------------------------------------------------------------


def self_signed_certificate(
    key: rsa.RSAPrivateKey, *, days: int = 365, common_name: str = "test-idp"
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1 + max(0, -days) * 2))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def _saml_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SamlIdp:
    """A SAML IdP in test code: reads the AuthnRequest, answers with a signed Response."""

    entity_id = "https://idp.example.test/saml/metadata"
    sso_url = "https://idp.example.test/saml/sso"

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.certificate = self_signed_certificate(self.key)

    @property
    def key_pem(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()

    @property
    def cert_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @staticmethod
    def read_authn_request(location: str) -> tuple[str, str, str]:
        """(request id, ACS URL, RelayState) from the redirect to the IdP's SSO URL."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        xml = zlib.decompress(base64.b64decode(query["SAMLRequest"]), -15).decode()
        from lxml import etree

        root = etree.fromstring(xml.encode())
        return root.get("ID"), root.get("AssertionConsumerServiceURL"), query.get("RelayState", "")

    def response(
        self,
        *,
        in_response_to: str | None,
        acs_url: str,
        audience: str,
        name_id: str,
        email: str,
        authn_context: str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
        issuer: str | None = None,
        expired: bool = False,
        sign_with: rsa.RSAPrivateKey | None = None,
        tamper_after_signing: bool = False,
    ) -> str:
        now = datetime.datetime.now(datetime.UTC)
        if expired:
            now -= datetime.timedelta(hours=2)
        issue, before = _saml_time(now), _saml_time(now - datetime.timedelta(minutes=1))
        after = _saml_time(now + datetime.timedelta(minutes=5))
        response_id, assertion_id = "_" + uuid.uuid4().hex, "_" + uuid.uuid4().hex
        issuer_text = escape(issuer or self.entity_id)
        # An IdP-initiated response answers no request: no InResponseTo at all.
        answering = "" if in_response_to is None else f" InResponseTo={quoteattr(in_response_to)}"
        assertion = (
            f'<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="{assertion_id}" Version="2.0" IssueInstant="{issue}">'
            f"<saml:Issuer>{issuer_text}</saml:Issuer>"
            "<saml:Subject>"
            '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
            f"{escape(name_id)}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f"<saml:SubjectConfirmationData NotOnOrAfter={quoteattr(after)} "
            f"Recipient={quoteattr(acs_url)}{answering}/>"
            "</saml:SubjectConfirmation></saml:Subject>"
            f"<saml:Conditions NotBefore={quoteattr(before)} NotOnOrAfter={quoteattr(after)}>"
            f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{issue}" SessionIndex="{assertion_id}">'
            f"<saml:AuthnContext><saml:AuthnContextClassRef>{escape(authn_context)}"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            "<saml:AttributeStatement>"
            '<saml:Attribute Name="email">'
            f"<saml:AttributeValue>{escape(email)}</saml:AttributeValue></saml:Attribute>"
            "</saml:AttributeStatement></saml:Assertion>"
        )
        key = sign_with or self.key
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()
        signed_assertion = OneLogin_Saml2_Utils.add_sign(
            assertion,
            key_pem,
            self.cert_pem,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
        if isinstance(signed_assertion, bytes):
            signed_assertion = signed_assertion.decode()
        signed_assertion = signed_assertion.replace('<?xml version="1.0"?>\n', "")
        if tamper_after_signing:
            signed_assertion = signed_assertion.replace(escape(email), "intruder@example.test")
        document = (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="{response_id}" Version="2.0" IssueInstant="{issue}" '
            f"Destination={quoteattr(acs_url)}{answering}>"
            f"<saml:Issuer>{issuer_text}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            "</samlp:Status>"
            f"{signed_assertion}</samlp:Response>"
        )
        return base64.b64encode(document.encode()).decode()
