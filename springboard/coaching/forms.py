"""Forms of the coaching pages. Times are entered in the coach's local time and turned into UTC
by the view (slots.local_to_utc); amounts are decimals with two places."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from springboard.coaching.models import (
    LANGUAGE_CODES,
    TIME_ZONES,
    SessionMode,
    Weekday,
    WorkshopFormat,
)
from springboard.lib.dates import BoundedDateField

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_AMOUNT = Decimal("99999999")


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError(_("Remove the invisible control characters."))


class CleanText(forms.CharField):
    default_validators = [_no_nul]


def _amount_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
    )


class WhereForm(forms.Form):
    mode = forms.ChoiceField(label=_("How"), choices=SessionMode.choices)
    place = CleanText(label=_("Place (in person)"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )
    phone = CleanText(label=_("Phone number"), max_length=40, required=False)


class BookForm(WhereForm):
    """The candidate picks one of the coach's free slots."""

    slot = forms.ChoiceField(label=_("Time"))

    field_order = ("slot", "mode", "place", "video_link", "phone")

    def __init__(self, *args: Any, slots: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slots  # type: ignore[attr-defined]

    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.cleaned_data["slot"])


class LocalTimeForm(forms.Form):
    day = BoundedDateField(label=_("Date"), widget=_DATE)
    time = forms.TimeField(label=_("Time"), widget=_TIME)


class ProposeForm(LocalTimeForm, WhereForm):
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=240, initial=60
    )
    field_order = ("day", "time", "duration_minutes", "mode", "place", "video_link", "phone")


class ReasonForm(forms.Form):
    reason = CleanText(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RescheduleForm(ReasonForm):
    day = BoundedDateField(label=_("New date"), widget=_DATE)
    time = forms.TimeField(label=_("New time"), widget=_TIME)
    field_order = ("day", "time", "reason")


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attendance"),
        choices=(("1", _("Attended")), ("0", _("Did not attend"))),
        coerce=lambda value: value == "1",
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = CleanText(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = CleanText(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    shared = forms.BooleanField(
        label=_("Share this note with the candidate"),
        required=False,
        help_text=_("Unticked, only the candidate's coaches can read it."),
    )
    action_item = CleanText(
        label=_("Action item for the plan (optional)"),
        max_length=200,
        required=False,
        help_text=_("Becomes a task in the candidate's plan, due in two weeks."),
    )


class ProfileForm(forms.Form):
    bio = CleanText(
        label=_("Short bio"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialties = CleanText(label=_("Specialties"), max_length=300, required=False)
    sectors = CleanText(label=_("Sectors"), max_length=300, required=False)
    location = CleanText(label=_("Location"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("Caseload cap"), min_value=1, max_value=200)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONES)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB. It is resized and its metadata removed."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    def profile_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["languages"] = ",".join(data.get("languages") or [])
        return {k: v for k, v in data.items() if k not in {"photo", "remove_photo"}}


class AvailabilityForm(forms.Form):
    """Up to seven weekly windows, one line each."""

    ROWS = 7

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(self.ROWS):
            self.fields[f"day_{row}"] = forms.TypedChoiceField(
                label=_("Day"),
                choices=[("", "—"), *Weekday.choices],
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"start_{row}"] = forms.TimeField(
                label=_("From"), widget=_TIME, required=False
            )
            self.fields[f"end_{row}"] = forms.TimeField(
                label=_("Until"), widget=_TIME, required=False
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"day_{row}"], self[f"start_{row}"], self[f"end_{row}"])
            for row in range(self.ROWS)
        ]

    def windows(self) -> list[tuple[int, datetime.time, datetime.time]]:
        result = []
        for row in range(self.ROWS):
            day = self.cleaned_data.get(f"day_{row}")
            start = self.cleaned_data.get(f"start_{row}")
            end = self.cleaned_data.get(f"end_{row}")
            if day is None:
                continue
            if start is None or end is None or end <= start:
                raise forms.ValidationError(_("Each time window must end after it starts."))
            result.append((day, start, end))
        return result


class PolicyForm(forms.Form):
    candidates_choose = forms.BooleanField(
        label=_("Candidates of this engagement choose their coach"), required=False
    )
    shortlist_size = forms.IntegerField(
        label=_("Coaches on the shortlist"), min_value=1, max_value=20, initial=5
    )


class ChangeRequestForm(forms.Form):
    reason = CleanText(
        label=_("Why would you like another coach?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wanted_coach = forms.ChoiceField(label=_("Coach you would prefer (optional)"), required=False)

    def __init__(self, *args: Any, coaches: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wanted_coach"].choices = [("", "—"), *coaches]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=(("approve", _("Approve")), ("reject", _("Reject")))
    )
    coach = forms.UUIDField(label=_("New coach"), required=False)
    note = CleanText(label=_("Note"), max_length=500, required=False)
    allow_overdraft = forms.BooleanField(
        label=_("Allow the balance to go below zero"), required=False
    )


class WorkshopForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("Short name used in programme templates, e.g. cv-workshop."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=WorkshopFormat.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=2400
    )
    price_per_seat = forms.DecimalField(
        label=_("Price per seat"), max_digits=9, decimal_places=2, min_value=0, max_value=MAX_AMOUNT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for code in LANGUAGE_CODES:
            self.fields[f"title_{code}"] = CleanText(
                label=_("Title (%(language)s)") % {"language": names[code]},
                max_length=200,
                required=code == "en",
            )
        for code in LANGUAGE_CODES:
            self.fields[f"description_{code}"] = CleanText(
                label=_("Description (%(language)s)") % {"language": names[code]},
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def texts(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{prefix}_{code}", "") for code in LANGUAGE_CODES}


class WorkshopDateForm(LocalTimeForm):
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)
    place = CleanText(label=_("Place"), max_length=200, required=False)


class SignupForm(forms.Form):
    programme = forms.UUIDField(required=False, widget=forms.HiddenInput)


class MaterialForm(forms.Form):
    name = CleanText(label=_("Name"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, PowerPoint or text, at most 20 MB.")
    )


class BudgetEntryForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kind"),
        choices=(
            ("grant", _("Grant from the engagement")),
            ("coaching", _("Coaching hours")),
            ("workshop", _("Workshops and modules")),
            ("training", _("External training")),
        ),
    )
    amount = _amount_field(_("Amount"), required=False)
    description = CleanText(label=_("Description"), max_length=300, required=False)
    allow_overdraft = forms.BooleanField(
        label=_("Allow the balance to go below zero"), required=False
    )


class TrainingRequestForm(forms.Form):
    title = CleanText(label=_("Course"), max_length=200)
    provider = CleanText(label=_("Provider"), max_length=200)
    quote_amount = _amount_field(_("Quoted price"))
    quote_reference = CleanText(label=_("Quote reference or link"), max_length=300, required=False)
    motivation = CleanText(
        label=_("Why this course"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def slot_choices(slots: list[datetime.datetime], zone: Any) -> list[tuple[str, str]]:
    return [
        (slot.isoformat(), formats.date_format(slot.astimezone(zone), "l j F Y, H:i"))
        for slot in slots
    ]
