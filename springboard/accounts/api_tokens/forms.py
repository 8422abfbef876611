from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from springboard.accounts.api_tokens.services import default_expiry_date, latest_expiry_date
from springboard.accounts.models import ApiTokenScope
from springboard.lib.dates import BoundedDateField


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_(
            "What the token is for, e.g. “Spreadsheet sync”. Only you and your admin see it."
        ),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = BoundedDateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("At most one year ahead. The token stops working after this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = default_expiry_date()
        widget = self.fields["expires_on"].widget
        widget.attrs["min"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        widget.attrs["max"] = latest_expiry_date().isoformat()

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def clean_expires_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        if day > latest_expiry_date():
            raise forms.ValidationError(_("A token can be valid for at most one year."))
        return day
