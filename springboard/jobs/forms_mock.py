"""Forms of mock interviews: the coach's new mock interview, and the scoring form built from
the rubric version the mock interview was created with (one radio group per criterion)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from springboard.jobs.forms import NoNulMixin
from springboard.jobs.mock_reads import MockView
from springboard.jobs.models import Interview
from springboard.jobs.rubric import LEVELS
from springboard.jobs.services.mock_interviews import (
    MAX_COMMENT_CHARS,
    MAX_NOTE_CHARS,
    MAX_PRACTISE,
    MAX_PRACTISE_CHARS,
    ScoreInput,
)
from springboard.lib.dates import BoundedDateField

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InterviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        interview: Interview = obj
        application = interview.application
        return f"{interview.starts_at:%Y-%m-%d} · {application.title} — {application.employer}"


class MockCreateForm(forms.Form):
    held_on = BoundedDateField(label=_("Held on"), widget=_DATE)
    interview = InterviewChoiceField(
        label=_("For the interview"),
        queryset=Interview.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("None: practice"),
        help_text=_("Link it to one of the candidate's interviews, or leave it as practice."),
    )

    def __init__(self, *args: Any, interviews: QuerySet[Interview], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interview"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = interviews


class MockScoreForm(NoNulMixin, forms.Form):
    """`score_<key>` (a radio group, levels with their anchors) and `comment_<key>` for each
    criterion; a draft may leave scores empty."""

    def __init__(self, data: Any = None, *, view: MockView) -> None:
        mock = view.mock
        initial: dict[str, Any] = {"overall_note": mock.overall_note}
        for row in view.rows:
            initial[f"score_{row.criterion.key}"] = str(row.score) if row.score else None
            initial[f"comment_{row.criterion.key}"] = row.comment
        for i, text in enumerate(mock.practise[:MAX_PRACTISE], start=1):
            initial[f"practise_{i}"] = text
        super().__init__(data, initial=initial)
        self.view = view
        for row in view.rows:
            c = row.criterion
            self.fields[f"score_{c.key}"] = forms.TypedChoiceField(
                label=c.name,
                choices=[(str(n), f"{n} — {c.anchor(n)}") for n in LEVELS],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{c.key}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": c.name},
                required=False,
                max_length=MAX_COMMENT_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["overall_note"] = forms.CharField(
            label=_("Overall note"),
            required=False,
            max_length=MAX_NOTE_CHARS,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        for i in range(1, MAX_PRACTISE + 1):
            self.fields[f"practise_{i}"] = forms.CharField(
                label=_("Thing to practise %(n)s") % {"n": i},
                required=False,
                max_length=MAX_PRACTISE_CHARS,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for row in self.view.rows:
            key = row.criterion.key
            if cleaned.get(f"comment_{key}") and cleaned.get(f"score_{key}") is None:
                self.add_error(f"score_{key}", _("Choose a score to go with your comment."))
        if "share" in self.data:
            for row in self.view.rows:
                if cleaned.get(f"score_{row.criterion.key}") is None:
                    self.add_error(
                        f"score_{row.criterion.key}", _("Score this criterion before you share.")
                    )
            if not self.practise():
                self.add_error("practise_1", _("Name at least one thing to practise."))
        return cleaned

    def scores(self) -> list[ScoreInput]:
        data = self.cleaned_data
        return [
            ScoreInput(
                criterion=row.criterion.key,
                score=data[f"score_{row.criterion.key}"],
                comment=data.get(f"comment_{row.criterion.key}") or "",
            )
            for row in self.view.rows
            if data.get(f"score_{row.criterion.key}") is not None
        ]

    def practise(self) -> list[str]:
        data = self.cleaned_data
        return [
            data[f"practise_{i}"].strip()
            for i in range(1, MAX_PRACTISE + 1)
            if (data.get(f"practise_{i}") or "").strip()
        ]
