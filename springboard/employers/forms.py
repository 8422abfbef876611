from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from springboard.employers.importing.fields import (
    FIELDS,
    FIELDS_BY_KEY,
    LAST_FIRST,
    NAME_ORDER_KEY,
    HeaderHint,
    header_hints,
    missing_fields,
    uses_name_parts,
)
from springboard.employers.importing.reading import MAX_UPLOAD_BYTES
from springboard.employers.models import ChecklistOwner, Cohort, Engagement, ReportingLevel
from springboard.lib.dates import BoundedDateField
from springboard.tenancy.models import Employer, Membership
from springboard.tenancy.roles import Role

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    registration_number = forms.CharField(
        label=_("Company registration number"), max_length=40, required=False
    )


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class EngagementForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("For example the year or the reorganisation.")
    )
    start_date = BoundedDateField(label=_("Start date"), widget=_DATE)
    duration_months = forms.IntegerField(
        label=_("Default duration (months)"), min_value=3, max_value=12, initial=6
    )
    budget_amount = forms.DecimalField(
        label=_("Personal budget per candidate"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        initial=0,
    )
    budget_currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[
            ("EUR", "EUR"),
            ("DKK", "DKK"),
            ("NOK", "NOK"),
            ("SEK", "SEK"),
            ("GBP", "GBP"),
            ("USD", "USD"),
        ],
    )
    reporting_level = forms.ChoiceField(
        label=_("Reporting to the employer"), choices=ReportingLevel.choices
    )
    contacts = ContactChoiceField(
        label=_("Contact persons"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, employer: Employer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = self.fields["contacts"]
        assert isinstance(contacts, forms.ModelMultipleChoiceField)
        contacts.queryset = Membership.objects.select_related("user").filter(
            agency_id=employer.agency_id,
            employer=employer,
            role=Role.EMPLOYER_CONTACT,
            is_active=True,
        )
        contacts.to_field_name = "public_id"


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    notice_date = BoundedDateField(label=_("Notice date"), widget=_DATE)
    expected_size = forms.IntegerField(
        label=_("Expected number of people"), min_value=0, max_value=100_000, initial=0
    )
    locations = forms.CharField(
        label=_("Locations"),
        max_length=500,
        required=False,
        help_text=_("Separate locations with commas."),
    )


class EnrolForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    employee_number = forms.CharField(label=_("Employee number"), max_length=50, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    department = forms.CharField(label=_("Department"), max_length=200, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    notice_date = BoundedDateField(label=_("Notice date"), required=False, widget=_DATE)
    last_working_day = BoundedDateField(label=_("Last working day"), required=False, widget=_DATE)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ModelChoiceField)
        cohort.queryset = engagement.cohorts.all()
        cohort.to_field_name = "public_id"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("HR export (CSV or XLSX)"),
        help_text=_("One row per person with a header row. At most 5 MB and 20,000 rows."),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    default_language = forms.ChoiceField(
        label=_("Language for rows without one"), choices=settings.LANGUAGES
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ModelChoiceField)
        cohort.queryset = engagement.cohorts.all()
        cohort.to_field_name = "public_id"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ColumnMappingForm(forms.Form):
    """One select per field, listing the file's own column headers; Name may instead come from
    first and last name columns, and a Name column may be written "Last, First"."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("— not in the file —")), *((h, h) for h in headers if h)]
        for item in FIELDS:
            # Name or first + last name: which is required is decided in clean().
            self.fields[item.key] = forms.ChoiceField(
                label=item.label,
                choices=choices,
                required=item.required and item.key != "full_name",
            )
            if item.key == "full_name":
                self.fields[NAME_ORDER_KEY] = forms.ChoiceField(
                    label=_("The Name column is written as"),
                    choices=[
                        ("", _("First name Last name (Anna Berg)")),
                        (LAST_FIRST, _("Last name, First name (Berg, Anna)")),
                    ],
                    required=False,
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for key, header in list(cleaned.items()):  # add_error() removes the key
            if not header or key not in FIELDS_BY_KEY:
                continue
            if header in seen:
                self.add_error(key, _("This column is already used for another field."))
            seen[header] = key
        chosen = {k: v for k, v in cleaned.items() if k in FIELDS_BY_KEY and v}
        for field in missing_fields(chosen):
            if field.key in self.fields and field.key not in self.errors:
                self.add_error(field.key, _("Choose a column for this field."))
        if chosen.get("full_name") and uses_name_parts(chosen):
            self.add_error(
                "full_name",
                _("Leave Name empty when first and last name have their own columns."),
            )
        return cleaned

    def header_hints(self) -> list[HeaderHint]:
        """The file's headers, the field each is chosen for, and the fields each could be."""
        mapping = {k: v for k, v in self.initial.items() if isinstance(v, str)}
        return header_hints(self.headers, mapping)


class ChecklistItemForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.ChoiceField(label=_("Done by"), choices=ChecklistOwner.choices)
    days_before_notice = forms.IntegerField(
        label=_("Days before the notice"), min_value=-60, max_value=365, initial=0
    )


ChecklistFormSet = forms.formset_factory(
    ChecklistItemForm, extra=2, can_delete=True, can_order=True, max_num=40, validate_max=True
)
