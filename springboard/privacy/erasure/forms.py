from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from springboard.privacy.declarations import RetentionKind
from springboard.privacy.erasure.retention import DEFAULT_RETENTION_DAYS, retention_days
from springboard.privacy.models import PrivacySettings
from springboard.privacy.models.erasure import RefusalReason

MAX_ALUMNI_MONTHS = 120
MAX_RETENTION_DAYS = 3650  # ten years: longer than any legal duty to keep these records
# The audit log proves how data was handled, erasures included: at least a year.
MIN_AUDIT_DAYS = 365
# What an alumnus reads during alumni access must outlive it (a month counted as 31 days).
ALUMNI_READS = (RetentionKind.ACCOUNT, RetentionKind.PROFILE, RetentionKind.CVS)


def _field_name(kind: str) -> str:
    return f"days_{kind}"


class PrivacySettingsForm(forms.Form):
    alumni_months = forms.IntegerField(
        label=_("Alumni access (months after the programme ends)"),
        min_value=0,
        max_value=MAX_ALUMNI_MONTHS,
        help_text=_(
            "How long a candidate can still read and download their own data. "
            "0 ends access when the programme closes."
        ),
    )

    def __init__(self, *args: Any, settings: PrivacySettings | None, **kwargs: Any) -> None:
        initial = {
            "alumni_months": settings.alumni_months if settings is not None else 12,
            **{_field_name(kind): retention_days(settings, kind) for kind in RetentionKind},
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for kind in RetentionKind:
            self.fields[_field_name(kind)] = forms.IntegerField(
                label=kind.label,
                min_value=MIN_AUDIT_DAYS if kind == RetentionKind.AUDIT else 0,
                max_value=MAX_RETENTION_DAYS,
                help_text=_("Days; suggested: %(days)s.") % {"days": DEFAULT_RETENTION_DAYS[kind]},
            )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[_field_name(kind)] for kind in RetentionKind]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        months = cleaned.get("alumni_months")
        if months is None:
            return cleaned
        for kind in ALUMNI_READS:
            days = cleaned.get(_field_name(kind))
            if days is not None and days < months * 31:
                self.add_error(
                    _field_name(kind),
                    _(
                        "Keep this at least as long as alumni access lasts (%(days)s days), "
                        "or shorten alumni access."
                    )
                    % {"days": months * 31},
                )
        return cleaned

    def retention(self) -> dict[str, int]:
        return {str(kind): self.cleaned_data[_field_name(kind)] for kind in RetentionKind}


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RefusalReason.choices])
    text = forms.CharField(
        label=_("Explanation for the person"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the person with the reason, in plain words. Optional."),
    )


class RequestErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I want this agency to erase all the data it holds about me."),
        error_messages={"required": _("Tick the box to send the request.")},
    )
