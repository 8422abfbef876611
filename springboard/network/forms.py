from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from springboard.lib.dates import BoundedDateField
from springboard.network.activity_log import MAX_PERIOD_DAYS, SERVICES
from springboard.network.importing import MAX_BYTES
from springboard.network.models import (
    ActivityKind,
    Channel,
    Circle,
    Contact,
    HowApplied,
    Purpose,
    Strength,
)
from springboard.network.selectors import CONTACT_SORTS

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANGUAGE_NAMES = (("en", "English"), ("nl", "Nederlands"), ("da", "Dansk"), ("nb", "Norsk bokmål"))


class NoNulMixin:
    """PostgreSQL text cannot hold NUL: refused here with a message, not a 500 later."""

    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Remove the invisible control characters."))  # type: ignore[attr-defined]
        return cleaned


class ContactForm(NoNulMixin, forms.ModelForm):
    emails_text = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        max_length=1000,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    phones_text = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        max_length=500,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, for example: finance, mentor."),
    )
    last_contact = BoundedDateField(label=_("Last contact"), required=False, widget=_DATE)

    class Meta:
        model = Contact
        fields = (
            "full_name",
            "company",
            "job_title",
            "circle",
            "strength",
            "how_we_know",
            "last_contact",
            "profile_url",
            "notes",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("emails_text", "\n".join(self.instance.emails))
            self.initial.setdefault("phones_text", "\n".join(self.instance.phones))
            self.initial.setdefault("tags_text", ", ".join(self.instance.tag_list))

    def clean_emails_text(self) -> list[str]:
        validator = forms.EmailField()
        emails = []
        for line in self.cleaned_data["emails_text"].split():
            emails.append(validator.clean(line).lower())
        if len(emails) > 10:
            raise ValidationError(_("At most 10 addresses."))
        return list(dict.fromkeys(emails))

    def clean_phones_text(self) -> list[str]:
        phones = [
            " ".join(line.split())[:40] for line in self.cleaned_data["phones_text"].splitlines()
        ]
        phones = [p for p in phones if p]
        if len(phones) > 10:
            raise ValidationError(_("At most 10 phone numbers."))
        return list(dict.fromkeys(phones))

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["emails"] = self.cleaned_data["emails_text"]
        data["phones"] = self.cleaned_data["phones_text"]
        return data


class CircleForm(forms.Form):
    circle = forms.ChoiceField(label=_("Circle"), choices=Circle.choices)
    strength = forms.TypedChoiceField(
        label=_("Strength of the tie"), choices=Strength.choices, coerce=int
    )


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    circle = forms.ChoiceField(
        label=_("Circle"), required=False, choices=[("", _("All circles")), *Circle.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("company", _("Company")),
            ("strength", _("Strongest ties first")),
            ("-last_contact", _("Most recent contact first")),
            ("last_contact", _("Longest without contact first")),
        ],
    )

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or "name"
        return sort if sort in CONTACT_SORTS else "name"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("LinkedIn's Connections.csv or a vCard file (.vcf), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.vcf,text/csv,text/vcard"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _contact_label(contact: Contact) -> str:
    return f"{contact.full_name} · {contact.company}" if contact.company else contact.full_name


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=_("Merge this contact into the one shown"),
        queryset=Contact.objects.none(),
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["duplicate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        field.label_from_instance = _contact_label  # type: ignore[method-assign,assignment]


class InteractionForm(NoNulMixin, forms.Form):
    date = BoundedDateField(label=_("Date"), widget=_DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=500)
    follow_up_due = BoundedDateField(label=_("Follow up on"), required=False, widget=_DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date, due = cleaned.get("date"), cleaned.get("follow_up_due")
        if date and due and due < date:
            self.add_error("follow_up_due", _("The follow-up cannot be before the contact itself."))
        return cleaned


class DraftForm(NoNulMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_NAMES)
    body = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 9})
    )


class IntroducerForm(forms.Form):
    company = forms.CharField(label=_("Target company"), max_length=200, required=False)


class ActivityForm(NoNulMixin, forms.Form):
    date = BoundedDateField(label=_("Date"), widget=_DATE)
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    employer = forms.CharField(label=_("Employer"), required=False, max_length=200)
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=200)
    how_applied = forms.ChoiceField(
        label=_("How applied"), required=False, choices=HowApplied.choices
    )
    result = forms.CharField(label=_("Result"), required=False, max_length=300)


class LogPeriodForm(forms.Form):
    """The log's period (a week, from any day of it, or from and to) and its service."""

    start = BoundedDateField(label=_("From"), required=False, widget=_DATE)
    end = BoundedDateField(label=_("To"), required=False, widget=_DATE)
    service = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[(key, s.name) for key, s in SERVICES.items()],
    )

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if end is None:  # a week: the one the start (else today) falls in, Monday to Sunday
            day = start or today
            start = day - datetime.timedelta(days=day.weekday())
            end = start + datetime.timedelta(days=6)
        elif start is None:
            start = end - datetime.timedelta(days=6)
        return start, end

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most a year."))
        return cleaned
