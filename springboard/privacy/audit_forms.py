"""Filters of the admin's audit search and of the candidate's "who looked at my data" page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from springboard.privacy.actions import target_label
from springboard.privacy.forms import AuditFilterForm
from springboard.privacy.selectors import PEOPLE_SEARCH_LIMIT, people_matching
from springboard.tenancy.models import Agency


class AuditSearchForm(AuditFilterForm):
    """The admin's filters, plus the person the events are about and the kind of record."""

    person = forms.CharField(
        label=_("About the person (name or e-mail)"), required=False, max_length=254
    )
    target = forms.ChoiceField(label=_("Kind of record"), required=False)

    field_order = ("person", "target", "action", "actor", "since", "until")

    def __init__(
        self, *args: Any, agency: Agency, actions: list[str], targets: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, actions=actions, **kwargs)
        self.agency = agency
        target_field = self.fields["target"]
        assert isinstance(target_field, forms.ChoiceField)
        labelled = sorted(((t, target_label(t)) for t in targets), key=lambda c: c[1].casefold())
        target_field.choices = [("", _("All kinds")), *labelled]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text = (cleaned.get("person") or "").strip()
        if text:
            people = people_matching(self.agency, text)
            if len(people) > PEOPLE_SEARCH_LIMIT:
                self.add_error(
                    "person",
                    _(
                        "More than %(limit)s people match. Type more of the name or the whole "
                        "e-mail address."
                    )
                    % {"limit": PEOPLE_SEARCH_LIMIT},
                )
            else:
                cleaned["people"] = people
        return cleaned


class PeriodForm(AuditFilterForm):
    """Only the period of the admin's filters: a person sees the events about them, so there is
    no action or actor to pick."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, actions=[], **kwargs)
        del self.fields["action"]
        del self.fields["actor"]
