"""Contracts with employers (the clients, `tenancy.Employer`), cohorts of a layoff, enrolments."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportingLevel(models.TextChoices):
    AGGREGATE = "aggregate", _("Aggregates only")
    CONSENTED_STATUS = "consented_status", _("Status per candidate, where the candidate consented")


class Engagement(models.Model):
    """The contract between the agency and an employer for one outplacement assignment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(
        "tenancy.Employer", on_delete=models.PROTECT, related_name="engagements"
    )
    name = models.CharField(_("name"), max_length=200)
    budget_amount = models.DecimalField(
        _("personal budget per candidate"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    duration_months = models.PositiveSmallIntegerField(
        _("default duration (months)"),
        default=6,
        validators=[MinValueValidator(3), MaxValueValidator(12)],
    )
    start_date = models.DateField(_("start date"))
    reporting_level = models.CharField(
        _("reporting to the employer"),
        max_length=20,
        choices=ReportingLevel.choices,
        default=ReportingLevel.AGGREGATE,
    )
    contacts = models.ManyToManyField(
        "tenancy.Membership",
        blank=True,
        related_name="engagements",
        verbose_name=_("contact persons"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-start_date", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("employer", "name"), name="engagement_employer_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gte=3, duration_months__lte=12),
                name="engagement_duration_3_to_12",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__gte=0), name="engagement_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} — {self.name}"


class Cohort(models.Model):
    """One layoff round within an engagement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    notice_date = models.DateField(_("notice date"))
    expected_size = models.PositiveIntegerField(_("expected number of people"), default=0)
    locations = models.CharField(
        _("locations"), max_length=500, blank=True, help_text=_("Separate locations with commas.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("notice_date", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("engagement", "name"), name="cohort_engagement_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def location_list(self) -> list[str]:
        return [part.strip() for part in self.locations.split(",") if part.strip()]


class ChecklistTemplate(models.Model):
    """An agency's editable list of preparation steps before a notice (one per agency)."""

    agency = models.OneToOneField(
        "tenancy.Agency", on_delete=models.CASCADE, related_name="checklist_template"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Checklist template of {self.agency}"


class ChecklistOwner(models.TextChoices):
    AGENCY = "agency", _("Agency")
    EMPLOYER = "employer", _("Employer")


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    owner = models.CharField(
        _("done by"), max_length=10, choices=ChecklistOwner.choices, default=ChecklistOwner.AGENCY
    )
    days_before_notice = models.SmallIntegerField(
        _("due (days before the notice)"),
        default=0,
        validators=[MinValueValidator(-60), MaxValueValidator(365)],
        help_text=_("0 is the day of the notice; a negative number is after it."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.title


class CohortTask(models.Model):
    """A preparation step of one cohort, copied from the agency's template and then its own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    owner_side = models.CharField(
        _("done by"), max_length=10, choices=ChecklistOwner.choices, default=ChecklistOwner.AGENCY
    )
    owner = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("due_date", "position", "pk")

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    """A candidate enrolled in an engagement (and usually a cohort). Programmes attach here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Both are the leading columns of composite indexes below; separate indexes would only slow
    # bulk enrolment down.
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="enrolments", db_index=False
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    candidate = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="enrolments"
    )
    employee_number = models.CharField(_("employee number"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    last_working_day = models.DateField(_("last working day"), null=True, blank=True)
    # Fingerprint of the imported row: a re-import of an unchanged row writes nothing.
    source_fingerprint = models.CharField(max_length=64, blank=True)
    # Whether the employer may see this person's status is the candidate's consent
    # (`employers.consents`), never a field an import could set.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("engagement", "candidate"), name="enrolment_engagement_candidate_unique"
            ),
            models.UniqueConstraint(
                fields=("engagement", "employee_number"),
                condition=~Q(employee_number=""),
                name="enrolment_engagement_employee_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(last_working_day__isnull=True)
                | Q(notice_date__isnull=True)
                | Q(last_working_day__gte=models.F("notice_date")),
                name="enrolment_last_day_after_notice",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=("agency", "engagement", "cohort"))]

    def __str__(self) -> str:
        return f"{self.candidate} in {self.engagement}"


class ColumnMapping(models.Model):
    """How an employer's HR export names its columns; remembered after the first import."""

    employer = models.OneToOneField(
        "tenancy.Employer", on_delete=models.CASCADE, related_name="column_mapping"
    )
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Column mapping of {self.employer}"


class ImportStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking rows")
    VALIDATED = "validated", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class EnrolmentImport(models.Model):
    """One uploaded HR export, from upload through checking to the all-or-nothing import."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="imports")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    file_kind = models.CharField(max_length=4)  # csv | xlsx
    # In the file storage (see lib/stored_files) so any web process or worker can read it.
    content = models.FileField(upload_to="private/imports/", max_length=200)
    content_sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    # The checked rows, kept between the preview and the import so the import only re-checks
    # the rules that depend on the database; emptied once imported.
    # JSON text rather than a JSONField: 10,000 rows are written and read once each, and the
    # field's per-value normalisation would cost more than the rest of the step.
    checked_rows = models.TextField(blank=True, default="")
    summary = models.JSONField(default=dict)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
