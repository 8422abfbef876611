"""Forms of the assessments pages; answers to items are read per page in views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from springboard.assessments.services.attempts import MAX_ENTRY, MAX_TEXT
from springboard.assessments.services.comments import MAX_COMMENT


class EntryForm(forms.Form):
    section = forms.ChoiceField(label=_("List"))
    text = forms.CharField(label=_("What it is"), max_length=MAX_ENTRY)
    example = forms.CharField(
        label=_("An example"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
