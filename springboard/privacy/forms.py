from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from springboard.lib.dates import BoundedDateField
from springboard.privacy.actions import action_label


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor's e-mail"), required=False, max_length=254)
    since = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = BoundedDateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        labelled = sorted(((a, action_label(a)) for a in actions), key=lambda c: c[1].casefold())
        action_field.choices = [("", _("All actions")), *labelled]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must not be before the start date."))
        return cleaned
