"""Forms of the competence profile. Every form that edits a row carries the row's `version`,
so a save over a newer version is refused (services.ProfileConflict)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from springboard.profiles.models import (
    Achievement,
    CareerEntry,
    Education,
    LanguageSkill,
    Profile,
    ProfileSkill,
    Section,
)
from springboard.profiles.services.cv import CV_ACCEPT
from springboard.profiles.services.profile import PREFERENCE_FIELDS
from springboard.programmes.forms import BootstrapMixin
from springboard.taxonomy.models import Occupation
from springboard.taxonomy.selectors import reader_lang

MONTHS = [("", "—")] + [(str(m), f"{m:02d}") for m in range(1, 13)]


class VersionedForm(BootstrapMixin, forms.ModelForm):
    """A model form with the version the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for name in ("start_month", "end_month"):
            if name in self.fields:
                self.fields[name] = forms.TypedChoiceField(
                    label=self.fields[name].label,
                    choices=MONTHS,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        self._style()

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class CareerEntryForm(VersionedForm):
    """A job. Its ESCO occupation is chosen from htmx suggestions rendered as radio buttons named
    `occupation` beside the form's fields (edit.html), so it is read from the data here."""

    class Meta:
        model = CareerEntry
        fields: ClassVar = [
            "title",
            "employer",
            "start_year",
            "start_month",
            "end_year",
            "end_month",
            "description",
            "went_well",
            "was_hard",
            "take_along",
            "why_ended",
        ]
        help_texts: ClassVar = {"end_year": _("Leave empty if this is your current job.")}
        widgets: ClassVar = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description", "went_well", "was_hard", "take_along", "why_ended")
        }

    def chosen_occupation(self) -> str:
        if self.is_bound:
            return str(self.data.get("occupation", ""))
        occupation = self.instance.occupation
        return str(occupation.public_id) if occupation is not None else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = str(self.data.get("occupation", "")).strip()
        cleaned["occupation"] = None
        if raw:
            try:
                public_id = uuid.UUID(raw)
            except ValueError:
                public_id = None
            occupation = (
                Occupation.objects.filter(public_id=public_id).first() if public_id else None
            )
            if occupation is None:
                raise forms.ValidationError(_("Choose an occupation from the suggestions."))
            cleaned["occupation"] = occupation
        return cleaned

    def values(self) -> dict[str, Any]:
        return {**super().values(), "occupation": self.cleaned_data.get("occupation")}


def skill_name(row: ProfileSkill) -> str:
    """The skill's name in the reader's language (ESCO's own fallbacks)."""
    return row.skill.name_in(reader_lang(get_language() or ""))


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return skill_name(obj)


class AchievementForm(VersionedForm):
    career_entry = forms.ModelChoiceField(
        label=_("Job"),
        queryset=CareerEntry.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    skills = SkillChoiceField(
        label=_("Skills shown"),
        queryset=ProfileSkill.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Achievement
        fields: ClassVar = ["title", "situation", "task", "action", "result", "career_entry"]
        widgets: ClassVar = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("situation", "task", "action", "result")
        }
        help_texts: ClassVar = {
            "situation": _("Where were you, what was going on?"),
            "task": _("What had to be done, and what was your part?"),
            "action": _("What did you do, step by step?"),
            "result": _("What came of it? Numbers help."),
        }

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jobs = self.fields["career_entry"]
        assert isinstance(jobs, forms.ModelChoiceField)
        jobs.queryset = CareerEntry.objects.filter(profile=profile)
        skills = self.fields["skills"]
        assert isinstance(skills, forms.ModelMultipleChoiceField)
        skills.queryset = ProfileSkill.objects.filter(profile=profile).select_related("skill")
        if self.instance.pk and not self.is_bound:
            self.initial["skills"] = [row.public_id for row in self.instance.skills.all()]

    def linked_skills(self) -> list[ProfileSkill]:
        return list(self.cleaned_data.get("skills") or [])


class EducationForm(VersionedForm):
    class Meta:
        model = Education
        fields: ClassVar = [
            "kind",
            "title",
            "institution",
            "level",
            "start_year",
            "start_month",
            "end_year",
            "end_month",
        ]


class LanguageForm(VersionedForm):
    class Meta:
        model = LanguageSkill
        fields: ClassVar = ["language", "mother_tongue", "understanding", "speaking", "writing"]
        help_texts: ClassVar = {
            "understanding": _("CEFR level from A1 (beginner) to C2 (near-native)."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        levels = [cleaned.get(name) for name in ("understanding", "speaking", "writing")]
        if not cleaned.get("mother_tongue") and not all(levels):
            raise forms.ValidationError(
                _("Give a level for understanding, speaking and writing, or tick mother tongue.")
            )
        return cleaned


class PreferencesForm(VersionedForm):
    class Meta:
        model = Profile
        fields: ClassVar = list(PREFERENCE_FIELDS)
        help_texts: ClassVar = {
            "regions": _("Towns or regions, separated by commas."),
            "pay_min": _("Gross pay per month."),
            "sectors_to_avoid": _("Separated by commas."),
            "sectors_to_try": _("Separated by commas."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("pay_min"), cleaned.get("pay_max")
        if low is not None and high is not None and high < low:
            self.add_error("pay_max", _("The highest pay must not be below the lowest."))
        return cleaned


class SkillEditForm(VersionedForm):
    career_entry = forms.ModelChoiceField(
        label=_("Shown in the job"),
        queryset=CareerEntry.objects.none(),
        required=False,
        to_field_name="public_id",
    )

    class Meta:
        model = ProfileSkill
        fields: ClassVar = ["proficiency", "evidence", "career_entry"]
        widgets: ClassVar = {"evidence": forms.Textarea(attrs={"rows": 3})}
        help_texts: ClassVar = {
            "evidence": _("Where you used it: a job, a project, a course."),
        }

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jobs = self.fields["career_entry"]
        assert isinstance(jobs, forms.ModelChoiceField)
        jobs.queryset = CareerEntry.objects.filter(profile=profile)


class SkillAddForm(forms.Form):
    skill = forms.UUIDField(widget=forms.HiddenInput)


class CommentForm(BootstrapMixin, forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class CvUploadForm(forms.Form):
    file = forms.FileField(label=_("Your CV"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": CV_ACCEPT})
