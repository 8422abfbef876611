"""Forms of the jobs app."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from springboard.cvs.models import CvVersion, LetterVersion
from springboard.jobs.importing import Posting, clean_text
from springboard.jobs.models import (
    CompanySize,
    DigestFrequency,
    InterviewKind,
    InterviewOutcome,
    LossReason,
    Status,
)
from springboard.jobs.selectors import VACANCY_SORTS
from springboard.lib.dates import BoundedDateField, BoundedDateTimeField
from springboard.outcomes.models import Contract, PayComparison

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PASTE_CHARS = 2_000_000


class NoNulMixin:
    """PostgreSQL text cannot hold NUL: refused here with a message, not a 500 later."""

    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Remove the invisible control characters."))  # type: ignore[attr-defined]
        return cleaned


class VacancyFilterForm(forms.Form):
    q = forms.CharField(label=_("Job title or employer"), required=False, max_length=100)
    place = forms.CharField(label=_("Place or region"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("new", _("Newest first")),
            ("title", _("Job title")),
            ("employer", _("Employer")),
            ("closing", _("Closing soonest")),
        ],
    )

    def criteria(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "new"
        return {
            "query": (data.get("q") or "").strip(),
            "place": (data.get("place") or "").strip(),
            "sort": sort if sort in VACANCY_SORTS else "new",
        }


class VacancyForm(NoNulMixin, forms.Form):
    title = forms.CharField(label=_("Job title"), max_length=300)
    employer = forms.CharField(label=_("Employer"), max_length=300)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    region = forms.CharField(label=_("Region"), max_length=200, required=False)
    url = forms.URLField(
        label=_("Address of the posting"), max_length=1000, required=False, assume_scheme="https"
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"), required=False, min_value=1, max_value=80, decimal_places=1
    )
    valid_through = BoundedDateField(label=_("Open until"), required=False, widget=_DATE)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def posting(self) -> Posting:
        data = self.cleaned_data
        return Posting(
            title=clean_text(data["title"])[:300],
            employer=clean_text(data["employer"])[:300],
            place=clean_text(data["place"]),
            region=clean_text(data["region"]),
            description=clean_text(data["description"]),
            url=data["url"],
            hours_per_week=data["hours_per_week"],
            valid_through=data["valid_through"],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("title", "employer"):
            if name in cleaned and not clean_text(cleaned[name]):
                self.add_error(name, _("Enter some text, not only markup."))
        return cleaned


class VacancyImportForm(NoNulMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A JobPosting feed: JSON or JSON-LD, a saved web page with JSON-LD, or CSV; "
            "at most 20 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,.jsonld,.html,.htm,.csv,application/json,text/html,text/csv"}
        ),
    )
    pasted = forms.CharField(
        label=_("Or paste JSON-LD or a page's HTML"),
        required=False,
        max_length=MAX_PASTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 20 MB."))
        if upload is None and not (cleaned.get("pasted") or "").strip() and not self.errors:
            raise ValidationError(_("Choose a file or paste a feed."))
        return cleaned

    def feeds(self) -> list[tuple[str, bytes]]:
        files: list[tuple[str, bytes]] = []
        upload = self.cleaned_data.get("file")
        if upload is not None:
            files.append((upload.name[:200], upload.read()))
        pasted = (self.cleaned_data.get("pasted") or "").strip()
        if pasted:
            files.append((str(_("pasted text")), pasted.encode()))
        return files


class ApplicationForm(NoNulMixin, forms.Form):
    title = forms.CharField(label=_("Job title"), max_length=300)
    employer = forms.CharField(label=_("Employer"), max_length=300)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VersionChoiceField(forms.ModelChoiceField):
    """A CV or letter version, named by its document and number ("Finance CV, version 2")."""

    def label_from_instance(self, obj: Any) -> str:
        document = obj.cv if isinstance(obj, CvVersion) else obj.letter
        return str(
            _("%(title)s, version %(number)s") % {"title": document.title, "number": obj.number}
        )


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    loss_reason = forms.ChoiceField(
        label=_("Why it closed"),
        required=False,
        choices=[("", _("Not closed")), *LossReason.choices],
    )
    follow_up_on = BoundedDateField(
        label=_("Follow up on"),
        required=False,
        widget=_DATE,
        help_text=_("Empty: a date is suggested for the new stage."),
    )
    cv_version = VersionChoiceField(
        label=_("CV version sent"), required=False, queryset=CvVersion.objects.none()
    )
    letter_version = VersionChoiceField(
        label=_("Letter version sent"), required=False, queryset=LetterVersion.objects.none()
    )

    def __init__(
        self,
        *args: Any,
        cv_versions: Any = None,
        letter_versions: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cv_field = self.fields["cv_version"]
        letter_field = self.fields["letter_version"]
        assert isinstance(cv_field, VersionChoiceField)
        assert isinstance(letter_field, VersionChoiceField)
        if cv_versions is not None:
            cv_field.queryset = cv_versions
        if letter_versions is not None:
            letter_field.queryset = letter_versions

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == Status.CLOSED and not cleaned.get("loss_reason"):
            self.add_error("loss_reason", _("Choose why it closed."))
        day = cleaned.get("follow_up_on")
        if day is not None and day < timezone.localdate():
            self.add_error("follow_up_on", _("The follow-up date cannot be in the past."))
        return cleaned


class InterviewForm(NoNulMixin, forms.Form):
    starts_at = BoundedDateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=10, max_value=600, initial=60
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=InterviewKind.choices)
    location = forms.CharField(label=_("Place or link"), required=False, max_length=300)
    preparation = forms.CharField(
        label=_("Preparation notes"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_starts_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["starts_at"]
        if not 2000 <= value.year <= 2100:
            raise ValidationError(_("Enter a date between 2000 and 2100."))
        return value


class InterviewOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=InterviewOutcome.choices)


class OfferForm(NoNulMixin, forms.Form):
    contract_type = forms.ChoiceField(label=_("Contract"), choices=Contract.choices)
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"), min_value=Decimal(1), max_value=Decimal(80), decimal_places=1
    )
    monthly_pay = forms.IntegerField(
        label=_("Pay per month"), required=False, min_value=0, max_value=10_000_000
    )
    pay_compared = forms.ChoiceField(
        label=_("Pay compared with before"),
        required=False,
        choices=[("", _("Not said")), *PayComparison.choices],
    )
    start_date = BoundedDateField(label=_("Start date"), widget=_DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TargetCompanyForm(NoNulMixin, forms.Form):
    name = forms.CharField(label=_("Company"), max_length=300)
    sector = forms.CharField(label=_("Sector"), required=False, max_length=200)
    size = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", _("Not known")), *CompanySize.choices]
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SavedSearchForm(NoNulMixin, forms.Form):
    """Save the current "jobs for you" filters under a name, with an optional digest."""

    name = forms.CharField(label=_("Name of the search"), max_length=100)
    q = forms.CharField(label=_("Job title or employer"), required=False, max_length=100)
    place = forms.CharField(label=_("Place or region"), required=False, max_length=100)
    digest = forms.ChoiceField(
        label=_("E-mail me new vacancies"), choices=DigestFrequency.choices, initial="off"
    )


class DigestForm(forms.Form):
    digest = forms.ChoiceField(label=_("E-mail me new vacancies"), choices=DigestFrequency.choices)
