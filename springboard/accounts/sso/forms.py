"""The agency admin's IdP forms: every field checked, with a message that says what to fix."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from springboard.accounts.models import AgencyIdentityProvider

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _checked_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise forms.ValidationError(_("Enter a full web address starting with https://."))
    # Plain http only for an IdP on this machine (a local test IdP): tokens travel in the clear.
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        raise forms.ValidationError(_("The address must start with https://."))
    if parts.username or parts.password:
        raise forms.ValidationError(_("The address must not contain a user name or password."))
    return value.strip()


def normalised_certificate(text: str) -> str:
    """The certificate's base64 body (what python3-saml wants), from PEM or bare base64."""
    body = "".join(
        line.strip()
        for line in text.strip().splitlines()
        if line.strip() and not line.strip().startswith("-----")
    )
    try:
        der = base64.b64decode(body, validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as error:
        raise forms.ValidationError(
            _(
                "This is not an X.509 certificate. Paste the IdP's signing certificate in PEM "
                "form (the text between BEGIN CERTIFICATE and END CERTIFICATE)."
            )
        ) from error
    if certificate.not_valid_after_utc <= timezone.now().astimezone(datetime.UTC):
        raise forms.ValidationError(
            _("This certificate expired on %(date)s. Paste the IdP's current signing certificate.")
            % {"date": certificate.not_valid_after_utc.date().isoformat()}
        )
    return base64.b64encode(der).decode("ascii")


# The model's text columns are unbounded; what a form accepts is not (a PEM certificate is a few
# kilobytes, a list of assertion values a few lines).
_TEXT_LIMITS = {"saml_x509cert": 20_000, "mfa_acr_values": 2_000, "mfa_saml_contexts": 2_000}


class _IdpForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, limit in _TEXT_LIMITS.items():
            field = self.fields.get(name)
            if isinstance(field, forms.CharField):
                field.max_length = limit
                field.validators.append(MaxLengthValidator(limit))
                field.widget.attrs["maxlength"] = str(limit)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name people see on the sign-in button."))
        return name


class OidcIdentityProviderForm(_IdpForm):
    oidc_client_secret = forms.CharField(
        label=capfirst(AgencyIdentityProvider._meta.get_field("oidc_client_secret").verbose_name),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Leave empty to keep the secret saved before."),
    )

    class Meta:
        model = AgencyIdentityProvider
        fields = (
            "name",
            "oidc_issuer",
            "oidc_client_id",
            "oidc_client_secret",
            "mfa_amr_values",
            "mfa_acr_values",
        )
        help_texts = {
            "oidc_issuer": gettext_lazy(
                "The issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0 or "
                "https://<keycloak>/realms/<realm>; its discovery document must answer."
            ),
            "mfa_amr_values": gettext_lazy(
                "Values of the ID token's amr claim that mean the person used a second factor."
            ),
            "mfa_acr_values": gettext_lazy(
                "Values of the acr claim that mean the same (optional, one per line)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("oidc_issuer", "oidc_client_id"):
            self.fields[name].required = True
        if not (self.instance.pk and self.instance.oidc_client_secret):
            self.fields["oidc_client_secret"].required = True
            self.fields["oidc_client_secret"].help_text = ""

    def clean_oidc_issuer(self) -> str:
        return _checked_url(self.cleaned_data["oidc_issuer"]).rstrip("/")

    def clean_oidc_client_id(self) -> str:
        return self.cleaned_data["oidc_client_id"].strip()

    def clean_oidc_client_secret(self) -> str:
        secret = self.cleaned_data.get("oidc_client_secret") or ""
        return secret or self.instance.oidc_client_secret


class SamlIdentityProviderForm(_IdpForm):
    class Meta:
        model = AgencyIdentityProvider
        fields = ("name", "saml_entity_id", "saml_sso_url", "saml_x509cert", "mfa_saml_contexts")
        help_texts = {
            "saml_entity_id": gettext_lazy("The IdP's entity ID (Issuer), from its metadata."),
            "saml_sso_url": gettext_lazy(
                "The IdP's single sign-on URL for the HTTP-Redirect binding."
            ),
            "saml_x509cert": gettext_lazy("The IdP's signing certificate, in PEM form."),
            "mfa_saml_contexts": gettext_lazy(
                "AuthnContextClassRef values that mean the person used a second factor, one per "
                "line (e.g. http://schemas.microsoft.com/claims/multipleauthn)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("saml_entity_id", "saml_sso_url", "saml_x509cert"):
            self.fields[name].required = True

    def clean_saml_entity_id(self) -> str:
        value = self.cleaned_data["saml_entity_id"].strip()
        if any(char.isspace() for char in value):
            raise forms.ValidationError(_("An entity ID contains no spaces."))
        return value

    def clean_saml_sso_url(self) -> str:
        return _checked_url(self.cleaned_data["saml_sso_url"])

    def clean_saml_x509cert(self) -> str:
        return normalised_certificate(self.cleaned_data["saml_x509cert"])
