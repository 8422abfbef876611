"""People who log in. What a person may do lives on their Membership of an agency, not here."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from springboard.accounts.tokens import new_invitation_key
from springboard.tenancy.roles import Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped to end every open session of the person at once (deactivation, role removal):
    # Django re-checks the session hash on each request, and the hash includes this number.
    session_generation = models.PositiveIntegerField(default=0)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "springboard.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring invitation to join one agency in one role.

    The link carries `key` plus an HMAC bound to the agency (accounts/tokens.py); the key alone
    is not a working link.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=12, unique=True, default=new_invitation_key, editable=False)
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    employer = models.ForeignKey(
        "tenancy.Employer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A code e-mailed to the address proves control of the mailbox when the link was printed
    # (accounts/tokens.py). Only its hash is stored; attempts are counted to stop guessing.
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_sends = models.PositiveSmallIntegerField(default=0)
    code_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [
            # At most one open invitation per address and agency: re-inviting replaces it.
            models.UniqueConstraint(
                Lower("email"),
                "agency",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.agency_id} ({self.role})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A personal token for machine clients of the API, valid in one agency only.

    The person holds `sbp_<prefix>_<secret>`; the database keeps the prefix (to find the row
    and to show which token is which) and a SHA-256 hash of the secret, never the secret.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(
        _("scope"), max_length=8, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )
    # The role the token was made under: a role change makes the token stop working rather
    # than quietly granting the new role's reach (a candidate's token never becomes a coach's).
    role = models.CharField(max_length=20, choices=Role.choices, editable=False)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(scope__in=ApiTokenScope.values), name="api_token_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (sbp_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdentityProviderKind(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


def new_sso_key() -> str:
    # The key names the IdP in allauth's URLs (/accounts/oidc/<key>/…, /accounts/saml/<key>/…) and
    # in each linked account's `provider`: random, so nothing of one agency's setup is guessable.
    return "sb" + uuid.uuid4().hex[:16]


class AgencyIdentityProvider(models.Model):
    """An agency's own identity provider for its staff (accounts/sso/). The one definition of it:
    allauth's SocialApp objects are built from this row on each request, never stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=40, unique=True, default=new_sso_key, editable=False)
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.CASCADE, related_name="identity_providers"
    )
    kind = models.CharField(_("protocol"), max_length=8, choices=IdentityProviderKind.choices)
    name = models.CharField(_("name on the sign-in button"), max_length=80)
    enabled = models.BooleanField(_("enabled"), default=True)
    # OpenID Connect
    oidc_issuer = models.URLField(_("issuer URL"), max_length=500, blank=True)
    oidc_client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    oidc_client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    # SAML 2.0
    saml_entity_id = models.CharField(_("IdP entity ID"), max_length=500, blank=True)
    saml_sso_url = models.URLField(_("IdP single sign-on URL"), max_length=500, blank=True)
    saml_x509cert = models.TextField(_("IdP signing certificate"), blank=True)
    # Which assertions count as "the person passed MFA at the IdP" (accounts/sso/mfa.py).
    mfa_amr_values = models.CharField(
        _("amr values that mean MFA"), max_length=300, blank=True, default="mfa otp hwk swk"
    )
    mfa_acr_values = models.TextField(_("acr values that mean MFA"), blank=True)
    mfa_saml_contexts = models.TextField(_("AuthnContextClassRef values that mean MFA"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    last_tested_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_test_ok = models.BooleanField(null=True, editable=False)

    class Meta:
        ordering = ("name",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind__in=IdentityProviderKind.values),
                name="agency_idp_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def sign_in_url(self) -> str:
        """Where the sign-in button's redirect leads: the OIDC issuer (whose authorisation
        endpoint lives on the same origin at the providers we document) or the SAML SSO URL."""
        return self.oidc_issuer if self.kind == IdentityProviderKind.OIDC else self.saml_sso_url
