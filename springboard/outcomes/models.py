"""Outcomes of programmes and the aftercare check-ins that measure retention.

Audiences: an outcome and its check-ins are seen by the candidate, the coaches of the programme
and the agency's admins (who bill from them). Employer contacts see aggregates only
(`reporting.py`); the `note` of an outcome never leaves the agency's staff pages.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutcomeKind(models.TextChoices):
    NEW_JOB = "new_job", _("New job")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    EDUCATION = "education", _("Education")
    RETIRED = "retired", _("Retired")
    NO_PLACEMENT = "no_placement", _("No placement")
    DROPPED_OUT = "dropped_out", _("Dropped out")


# What counts as a placement (docs/outcomes.md, "Placement rate").
PLACEMENT_KINDS = frozenset({OutcomeKind.NEW_JOB, OutcomeKind.SELF_EMPLOYED})


class Contract(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed-term")
    TEMPORARY = "temporary", _("Temporary")


class PayComparison(models.TextChoices):
    LOWER = "lower", _("Lower than before")
    SAME = "same", _("About the same as before")
    HIGHER = "higher", _("Higher than before")


class FoundVia(models.TextChoices):
    NETWORK = "network", _("Network")
    VACANCY = "vacancy", _("Vacancy")
    RECRUITER = "recruiter", _("Recruiter")
    OWN_EMPLOYER = "own_employer", _("Own employer")
    OTHER = "other", _("Other")


class OutcomeSource(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    OFFER = "offer", _("Proposed by an accepted offer")


class Outcome(models.Model):
    """How one programme ended. Recorded (or proposed) by staff, confirmed by the candidate."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="outcome"
    )
    kind = models.CharField(_("outcome"), max_length=16, choices=OutcomeKind.choices)
    # The day the outcome took effect: the first working day of a new job, the start of an
    # education, the day of retirement or of leaving the programme.
    start_date = models.DateField(_("start date"))
    employer_name = models.CharField(_("new employer"), max_length=200, blank=True)
    occupation = models.ForeignKey(
        "taxonomy.Occupation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation (ESCO)"),
    )
    same_occupation = models.BooleanField(_("same occupation as before"), null=True, blank=True)
    contract = models.CharField(_("contract"), max_length=12, choices=Contract.choices, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    pay_compared = models.CharField(
        _("pay compared with before"), max_length=8, choices=PayComparison.choices, blank=True
    )
    found_via = models.CharField(
        _("found via"), max_length=14, choices=FoundVia.choices, blank=True
    )
    # Staff only: never in a report, an export or anything an employer contact can open.
    note = models.TextField(_("note for the agency"), max_length=2000, blank=True)
    source = models.CharField(max_length=8, choices=OutcomeSource.choices)
    recorded_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OutcomeKind]), name="outcome_kind_valid"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=("agency", "kind"))]

    def __str__(self) -> str:
        return f"{self.kind} of programme {self.programme_id}"

    @property
    def is_placement(self) -> bool:
        return self.kind in PLACEMENT_KINDS


# Months after the start of a new job at which the candidate is asked whether they still work.
CHECK_IN_MONTHS = (1, 3, 6, 12)


class CheckIn(models.Model):
    """One aftercare check-in: due some months after a placement started, answered from an
    e-mailed link (`tokens.py`) without signing in; single-use."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="aftercare_checkins"
    )
    months = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    # The link works from the day it is sent until this day (inclusive).
    expires_on = models.DateField()
    # Set when the e-mail is claimed for sending (so a rerun never e-mails twice).
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    in_work = models.BooleanField(null=True, blank=True)
    same_employer = models.BooleanField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ("due_date", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("programme", "months"), name="checkin_unique_month"),
            models.CheckConstraint(
                condition=Q(months__in=CHECK_IN_MONTHS), name="checkin_months_valid"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="checkin_satisfaction_range",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=("agency", "due_date"))]

    def __str__(self) -> str:
        return f"{self.months}-month check-in of programme {self.programme_id}"


class CoachDigest(models.Model):
    """The claim on one coach's weekly reminder of missing outcomes and overdue aftercare:
    inserted before the e-mail is queued, so each coach gets at most one per week."""

    coach = models.ForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # the Monday of the week
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("coach", "week"), name="coach_digest_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"digest of {self.coach_id} for {self.week}"


class ReportRollup(models.Model):
    """The employer report's counts of one engagement, stored so the report does not read every
    enrolment and programme on each request (docs/outcomes.md, "Benchmark P5"); counts only,
    no person.

    PostgreSQL triggers (migration 0002) raise `version` in the same transaction as every write
    the report's figures depend on. `data` is exact only while `computed_version` equals
    `version`; otherwise the report recomputes it (`rollup.py`). SQLite has no triggers and
    computes the report directly.
    """

    # The engagement's id, not a foreign key: the rows are written by triggers from inside
    # other tables' statements, and a trigger on the engagements removes a row with its
    # engagement (migration 0002).
    engagement_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
    computed_version = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"report rollup of engagement {self.engagement_id} (v{self.version})"
