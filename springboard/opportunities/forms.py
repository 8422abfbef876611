from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from springboard.opportunities.ranking import Sort, View
from springboard.taxonomy.models import IscoGroup

VIEW_CHOICES = (
    (View.ALL.value, _("Best matches")),
    (View.OTHER_SECTOR.value, _("Another sector")),
    (View.SELF_EMPLOYMENT.value, _("Self-employment")),
)
SORT_CHOICES = (
    (Sort.SCORE.value, _("Best fit first")),
    (Sort.GAP.value, _("Fewest missing skills first")),
)


@dataclass(frozen=True)
class Criteria:
    view: View
    major: str
    sort: Sort
    search: str


class OpportunityFilterForm(forms.Form):
    """The list's view, filter and order; anything unknown falls back to the defaults."""

    q = forms.CharField(label=_("Search occupations"), max_length=100, required=False)
    view = forms.ChoiceField(label=_("Show"), choices=VIEW_CHOICES, required=False)
    major = forms.ChoiceField(label=_("Occupation group"), required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, majors: list[IscoGroup], lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["major"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All groups")), *((g.code, g.name_in(lang)) for g in majors)]
        for name, bound in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            bound.widget.attrs["class"] = f"{css} {css}-sm"
        self.fields["q"].widget.input_type = "search"

    def criteria(self) -> Criteria:
        data = self.cleaned_data if self.is_valid() else {}
        return Criteria(
            view=View(data.get("view") or View.ALL.value),
            major=data.get("major") or "",
            sort=Sort(data.get("sort") or Sort.SCORE.value),
            search=data.get("q") or "",
        )


class TrainingNeedForm(forms.Form):
    """A missing skill (by its public id) and, for the task's text, the occupation needing it."""

    skill = forms.UUIDField()
    occupation = forms.UUIDField(required=False)
