"""Models of the jobs app: vacancies, a candidate's applications with their stage history,
interviews and offers.

A vacancy belongs to an agency; `owner` empty means agency-wide (every candidate may see it),
otherwise it is one candidate's own (added by them, or for them). Applications hang off the
candidate's agency `Membership`, never the global account, so one agency never sees another's.
Every text field holds plain text: imported markup is turned into text before it is stored.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from springboard.outcomes.models import Contract, PayComparison
from springboard.tenancy.models import Agency, Membership


class VacancySource(models.TextChoices):
    MANUAL = "manual", _("Added by hand")
    JSON_LD = "json_ld", _("JobPosting (JSON-LD)")
    CSV = "csv", _("CSV feed")


class SalaryPeriod(models.TextChoices):
    HOUR = "HOUR", _("per hour")
    MONTH = "MONTH", _("per month")
    YEAR = "YEAR", _("per year")


class Vacancy(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    # Empty: agency-wide. Set: one candidate's own vacancy, seen by them and their coaches only.
    owner = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("job title"), max_length=300)
    employer = models.CharField(_("employer"), max_length=300)
    place = models.CharField(_("place"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    url = models.URLField(_("address of the posting"), max_length=1000, blank=True)
    employment_type = models.CharField(_("employment type"), max_length=100, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    salary_min = models.DecimalField(
        _("pay from"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_max = models.DecimalField(
        _("pay up to"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_currency = models.CharField(_("currency"), max_length=3, blank=True)
    salary_period = models.CharField(
        _("pay period"), max_length=5, choices=SalaryPeriod.choices, blank=True
    )
    date_posted = models.DateField(_("posted on"), null=True, blank=True)
    valid_through = models.DateField(_("open until"), null=True, blank=True)
    # ESCO skill URIs found in the text by the engine, and the occupation the title maps to.
    skill_uris = models.JSONField(default=list, blank=True)
    occupation_uri = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=VacancySource.choices)
    # How a re-import recognises the posting: its URL or identifier (empty for hand-added ones).
    source_key = models.CharField(max_length=1100, blank=True)
    # Normalised employer|title|place: another posting with the same key is a duplicate.
    duplicate_key = models.CharField(max_length=950)
    # Hash of the imported fields, so a re-import of an unchanged posting writes nothing.
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=("agency", "duplicate_key")),
            models.Index(fields=("agency", "owner", "valid_through")),
        ]
        constraints: ClassVar = [
            # A re-import finds its posting within the same scope: the agency's shared vacancies,
            # or one candidate's own (NULL owners would not collide in one constraint).
            models.UniqueConstraint(
                fields=("agency", "source_key"),
                condition=~Q(source_key="") & Q(owner__isnull=True),
                name="jobs_vacancy_agency_source_key_unique",
            ),
            models.UniqueConstraint(
                fields=("owner", "source_key"),
                condition=~Q(source_key="") & Q(owner__isnull=False),
                name="jobs_vacancy_owner_source_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.employer}"


class VacancyGeneration(models.Model):
    """Bumped by every write to an agency's shared vacancies: "jobs for you" rebuilds its index
    when the number changes, with one primary-key read instead of scanning the vacancies."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.number}"


class CompanySize(models.TextChoices):
    SMALL = "small", _("Under 50 people")
    MEDIUM = "medium", _("50 to 250 people")
    LARGE = "large", _("Over 250 people")


class TargetCompany(models.Model):
    """A company the candidate wants to work for: notes, sector and size; the page adds the
    network contacts who work there and the vacancies seen there."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("company"), max_length=300)
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                models.functions.Lower("name"), "owner", name="jobs_target_company_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    SAVED = "saved", _("Saved")
    APPLIED = "applied", _("Applied")
    INTERVIEWING = "interviewing", _("Interviewing")
    OFFER = "offer", _("Offer")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class LossReason(models.TextChoices):
    REJECTED = "rejected", _("Rejected")
    NO_ANSWER = "no_answer", _("No answer")
    WITHDREW = "withdrew", _("Withdrew")
    DECLINED = "declined", _("Declined the offer")
    ROLE_CLOSED = "role_closed", _("Role closed")


class Application(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied from the vacancy (or typed) so that the pipeline outlives a deleted vacancy.
    title = models.CharField(_("job title"), max_length=300)
    employer = models.CharField(_("employer"), max_length=300)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SAVED
    )
    loss_reason = models.CharField(
        _("reason"), max_length=15, choices=LossReason.choices, blank=True
    )
    # The exact versions sent (immutable rows of the cvs app).
    cv_version = models.ForeignKey(
        "cvs.CvVersion",
        verbose_name=_("CV sent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    letter_version = models.ForeignKey(
        "cvs.LetterVersion",
        verbose_name=_("letter sent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    # When the status last changed: the "waiting" and "gone quiet" clocks run from here.
    status_changed_at = models.DateTimeField()
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=("owner", "status"))]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="jobs_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(loss_reason="") | Q(status=Status.CLOSED),
                name="jobs_application_loss_reason_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.employer}"


class ApplicationStage(models.Model):
    """One dated step of an application's history (the status it moved to)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stages")
    status = models.CharField(max_length=15, choices=Status.choices)
    loss_reason = models.CharField(max_length=15, choices=LossReason.choices, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.status} {self.at:%Y-%m-%d}"


class InterviewKind(models.TextChoices):
    PHONE = "phone", _("Phone screening")
    VIDEO = "video", _("Video interview")
    IN_PERSON = "in_person", _("Interview in person")
    ASSESSMENT = "assessment", _("Assessment or case presentation")


class InterviewOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    NEXT_ROUND = "next_round", _("Invited to a next round")
    OFFER = "offer", _("Offer")
    REJECTED = "rejected", _("Rejected")


class Interview(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    starts_at = models.DateTimeField(_("date and time"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    kind = models.CharField(
        _("kind"), max_length=12, choices=InterviewKind.choices, default=InterviewKind.IN_PERSON
    )
    location = models.CharField(_("place or link"), max_length=300, blank=True)
    preparation = models.TextField(_("preparation notes"), blank=True, max_length=8000)
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=InterviewOutcome.choices,
        default=InterviewOutcome.PENDING,
    )

    class Meta:
        ordering = ("starts_at", "pk")

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M}"


class Offer(models.Model):
    """Terms offered; the contract and pay comparison use the outcomes app's vocabulary, since
    accepting an offer proposes the programme's outcome from them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    contract_type = models.CharField(_("contract"), max_length=12, choices=Contract.choices)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    monthly_pay = models.PositiveIntegerField(_("pay per month"), null=True, blank=True)
    pay_compared = models.CharField(
        _("pay compared with before"), max_length=8, choices=PayComparison.choices, blank=True
    )
    start_date = models.DateField(_("start date"))
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.contract_type} {self.start_date}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("No e-mail")
    DAILY = "daily", _("Daily e-mail")
    WEEKLY = "weekly", _("Weekly e-mail")


class SavedSearch(models.Model):
    """Filters of "jobs for you" the candidate saved under a name, with an opt-in e-mail digest
    of the vacancies that appeared since the last one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search"), max_length=100, blank=True)
    place = models.CharField(_("place or region"), max_length=100, blank=True)
    digest = models.CharField(
        _("e-mail digest"),
        max_length=6,
        choices=DigestFrequency.choices,
        default=DigestFrequency.OFF,
    )
    # The digest lists vacancies added after this moment (the last digest, or the opt-in).
    digest_since = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "pk")
        indexes: ClassVar = [models.Index(fields=("digest",))]
        constraints: ClassVar = [
            models.UniqueConstraint(
                models.functions.Lower("name"), "owner", name="jobs_saved_search_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DigestSent(models.Model):
    """The claim on one digest of one saved search for one period (a day, or an ISO week): the
    unique row makes a second run, or a second worker, send nothing."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)  # 2026-11-28 (daily) or 2026-W48 (weekly)
    since = models.DateTimeField()
    until = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("search", "period"), name="jobs_digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.search_id} {self.period}"


class MockInterview(models.Model):
    """A practice interview the coach scores against the rubric (`springboard.jobs.rubric`):
    for one of the candidate's interviews, or standalone, always within the programme that
    makes the coach the candidate's coach. The coach edits it until it is shared; from then on
    the candidate sees it and nobody changes it. `rubric_version` keeps the scores' meaning."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+"
    )
    interview = models.ForeignKey(
        Interview,
        verbose_name=_("interview"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mock_interviews",
    )
    # Who scored it; kept when the coach leaves the agency, as the scores stay the candidate's.
    coach = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rubric_version = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("held on"))
    overall_note = models.TextField(_("overall note"), blank=True, max_length=4000)
    # One to three short things to practise before the next interview.
    practise = models.JSONField(default=list, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("held_on", "pk")
        indexes: ClassVar = [models.Index(fields=("candidate", "shared_at"))]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} v{self.rubric_version}"


class MockInterviewScore(models.Model):
    """One criterion of a mock interview: the level (1 to 5) and the coach's comment."""

    mock_interview = models.ForeignKey(
        MockInterview, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ("pk",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("mock_interview", "criterion"), name="jobs_mock_score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="jobs_mock_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
