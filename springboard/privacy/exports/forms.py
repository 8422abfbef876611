from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from springboard.tenancy.models import Agency, Membership


class MemberExportForm(forms.Form):
    """An admin names the member who asked for their data by e-mail address."""

    email = forms.EmailField(
        label=_("E-mail address of the member"),
        max_length=254,
        help_text=_("The member who asked for a copy of their data."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.membership: Membership | None = None

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        # Only this agency's members: whether the address exists elsewhere is never told.
        membership = (
            Membership.objects.select_related("agency", "user")
            .filter(agency=self.agency, user__email__iexact=email)
            .first()
        )
        if membership is None:
            raise forms.ValidationError(
                _("Nobody with this e-mail address is a member of this agency.")
            )
        self.membership = membership
        return email
