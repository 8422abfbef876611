"""The competence profile of a candidate and their CV uploads.

Everything hangs off the candidate's agency `Membership` (one profile per membership), never the
global user: a person in two agencies has two unrelated profiles.

Field audiences: the candidate themself and the coaches of the candidate's programmes. Admins and
employer contacts never read any of it (selectors.py scopes every read; coach reads are audited).

Decisions recorded here:
- Dates of jobs and education are *partial*: a year, or a year and a month (`PartialDate`
  columns `*_year` + `*_month`); an empty end means "current".
- Languages carry the CEFR self-assessment grid in three parts (understanding, speaking,
  writing), each A1 to C2: agencies and employers ask for "spoken Danish B2", so one overall level
  would hide what matters; a mother tongue is a flag instead of a level.
- Every editable row has a `version`; a save naming an older version is refused, so two tabs
  never silently overwrite each other (as with `programmes.PlanItem`).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The intake asks the same questions; one definition of the answers.
from springboard.programmes.models import Hours, SelfEmployment

EARLIEST_YEAR = 1940
LATEST_YEAR = 2100


def partial_date_label(year: int | None, month: int | None) -> str:
    """ "2019" or "2019-03": the stored precision, never a made-up day."""
    if year is None:
        return ""
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def partial_date_key(year: int | None, month: int | None) -> int:
    """A sortable number for a partial date (a missing month sorts as January)."""
    return (year or 0) * 100 + (month or 1)


year_validators = [MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)]
month_validators = [MinValueValidator(1), MaxValueValidator(12)]


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    DKK = "DKK", "DKK"
    NOK = "NOK", "NOK"


class Profile(models.Model):
    """One candidate's competence profile in one agency, with their job preferences."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="competence_profile"
    )
    # Preferences.
    regions = models.CharField(_("regions"), max_length=300, blank=True)
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    hours = models.CharField(_("hours"), max_length=10, choices=Hours.choices, default=Hours.EITHER)
    pay_min = models.PositiveIntegerField(
        _("lowest monthly pay"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    pay_max = models.PositiveIntegerField(
        _("highest monthly pay"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    pay_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    pay_note = models.CharField(_("about pay"), max_length=200, blank=True)
    sectors_to_avoid = models.CharField(_("sectors to avoid"), max_length=500, blank=True)
    sectors_to_try = models.CharField(_("sectors to try"), max_length=500, blank=True)
    open_to_sector_change = models.BooleanField(_("open to a change of sector"), default=False)
    self_employment = models.CharField(
        _("interest in self-employment"),
        max_length=6,
        choices=SelfEmployment.choices,
        default=SelfEmployment.NO,
    )
    job_sought = models.CharField(_("kind of job sought"), max_length=300, blank=True)
    # The intake the preferences were first filled from (shown as their source), if any.
    prefilled_from = models.ForeignKey(
        "programmes.Intake", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The intake's free-text skills, kept for the candidate to map to ESCO skills.
    intake_skills_text = models.TextField(blank=True, max_length=4000)
    version = models.PositiveIntegerField(default=1)
    completed_at = models.DateTimeField(null=True, blank=True)
    skills_mapped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(pay_min__isnull=True)
                | Q(pay_max__isnull=True)
                | Q(pay_max__gte=models.F("pay_min")),
                name="profile_pay_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.membership_id}"


class CareerEntry(models.Model):
    """A job in the career history, with the candidate's debrief of it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="career")
    employer = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("job title"), max_length=200)
    occupation = models.ForeignKey(
        "taxonomy.Occupation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ESCO occupation"),
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=year_validators)
    start_month = models.PositiveSmallIntegerField(
        _("start month"), null=True, blank=True, validators=month_validators
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=year_validators
    )
    end_month = models.PositiveSmallIntegerField(
        _("end month"), null=True, blank=True, validators=month_validators
    )
    description = models.TextField(_("what the job was"), blank=True, max_length=4000)
    went_well = models.TextField(_("what went well"), blank=True, max_length=4000)
    was_hard = models.TextField(_("what was hard"), blank=True, max_length=4000)
    take_along = models.TextField(_("what to take along"), blank=True, max_length=4000)
    why_ended = models.TextField(_("why it ended"), blank=True, max_length=4000)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-start_year", "-start_month", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="career_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_year__isnull=False),
                name="career_end_month_needs_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.employer}"

    @property
    def is_current(self) -> bool:
        return self.end_year is None

    @property
    def start_label(self) -> str:
        return partial_date_label(self.start_year, self.start_month)

    @property
    def end_label(self) -> str:
        return partial_date_label(self.end_year, self.end_month)


class Proficiency(models.TextChoices):
    BASIC = "basic", _("Basic")
    GOOD = "good", _("Good")
    EXPERT = "expert", _("Expert")


class SkillSource(models.TextChoices):
    CANDIDATE = "candidate", _("Added by the candidate")
    CV = "cv", _("Suggested from a CV")
    COACH = "coach", _("Added by a coach")


class ProfileSkill(models.Model):
    """An ESCO skill of the profile, how well the candidate masters it and the evidence."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey("taxonomy.Skill", on_delete=models.PROTECT, related_name="+")
    proficiency = models.CharField(
        _("proficiency"), max_length=8, choices=Proficiency.choices, default=Proficiency.GOOD
    )
    evidence = models.TextField(_("evidence"), blank=True, max_length=2000)
    career_entry = models.ForeignKey(
        CareerEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="skills",
        verbose_name=_("shown in the job"),
    )
    source = models.CharField(
        max_length=10, choices=SkillSource.choices, default=SkillSource.CANDIDATE
    )
    confirmed_by_candidate_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_coach = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by_coach_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("profile", "skill"), name="profile_skill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} of {self.profile_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_by_candidate_at is not None or self.confirmed_by_coach_at is not None


class Achievement(models.Model):
    """An achievement told as situation, task, action and result (STAR)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="achievements")
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("situation"), max_length=2000)
    task = models.TextField(_("task"), max_length=2000)
    action = models.TextField(_("action"), max_length=2000)
    result = models.TextField(_("result"), max_length=2000)
    career_entry = models.ForeignKey(
        CareerEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("job"),
    )
    skills = models.ManyToManyField(
        ProfileSkill, blank=True, related_name="achievements", verbose_name=_("skills shown")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.title


class EducationKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    CERTIFICATE = "certificate", _("Certificate")


class EducationLevel(models.TextChoices):
    """Broad ISCED levels, named as people say them."""

    SECONDARY = "secondary", _("Secondary school")
    VOCATIONAL = "vocational", _("Vocational")
    SHORT_CYCLE = "short_cycle", _("Short-cycle higher education")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")
    COURSE = "course", _("Course")
    OTHER = "other", _("Other")


class Education(models.Model):
    """A completed (or running) education or a certificate."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="education")
    kind = models.CharField(
        _("kind"), max_length=12, choices=EducationKind.choices, default=EducationKind.EDUCATION
    )
    title = models.CharField(_("name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    level = models.CharField(
        _("level"), max_length=12, choices=EducationLevel.choices, default=EducationLevel.OTHER
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=year_validators
    )
    start_month = models.PositiveSmallIntegerField(
        _("start month"), null=True, blank=True, validators=month_validators
    )
    end_year = models.PositiveSmallIntegerField(
        _("year completed"), null=True, blank=True, validators=year_validators
    )
    end_month = models.PositiveSmallIntegerField(
        _("month completed"), null=True, blank=True, validators=month_validators
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-end_year", "-start_year", "pk")

    def __str__(self) -> str:
        return self.title

    @property
    def start_label(self) -> str:
        return partial_date_label(self.start_year, self.start_month)

    @property
    def end_label(self) -> str:
        return partial_date_label(self.end_year, self.end_month)


class Cefr(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class LanguageSkill(models.Model):
    """A language with CEFR levels for understanding, speaking and writing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=80)
    mother_tongue = models.BooleanField(_("mother tongue"), default=False)
    understanding = models.CharField(
        _("understanding"), max_length=2, choices=Cefr.choices, blank=True
    )
    speaking = models.CharField(_("speaking"), max_length=2, choices=Cefr.choices, blank=True)
    writing = models.CharField(_("writing"), max_length=2, choices=Cefr.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("-mother_tongue", "language", "pk")

    def __str__(self) -> str:
        return self.language


class Section(models.TextChoices):
    CAREER = "career", _("Career history")
    ACHIEVEMENTS = "achievements", _("Achievements")
    EDUCATION = "education", _("Education and certificates")
    LANGUAGES = "languages", _("Languages")
    SKILLS = "skills", _("Skills")
    PREFERENCES = "preferences", _("Preferences")


class ProfileComment(models.Model):
    """A coach's comment on one section of the profile; the candidate sees it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=14, choices=Section.choices)
    text = models.TextField(_("comment"), max_length=2000)
    author = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:40]}"


class CvStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    READING = "reading", _("Reading the document")
    SUGGESTING = "suggesting", _("Finding skills and jobs")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CvUpload(models.Model):
    """A CV the candidate uploaded, stored privately under a random name, and its parse state."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="cv_uploads")
    file = models.FileField(upload_to="private/cv/", max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=CvStatus.choices, default=CvStatus.QUEUED)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    truncated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.original_name

    @property
    def running(self) -> bool:
        return self.state in (CvStatus.QUEUED, CvStatus.READING, CvStatus.SUGGESTING)


class SuggestionKind(models.TextChoices):
    SKILL = "skill", _("Skill")
    CAREER = "career", _("Job")


class SuggestionState(models.TextChoices):
    OPEN = "open", _("To decide")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CvSuggestion(models.Model):
    """A skill or job found in a CV, waiting for the candidate's decision.

    `key` identifies the suggestion across uploads and parses of the same profile (a skill's URI;
    a job's normalised title, employer and start), so a rejected one stays rejected.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    upload = models.ForeignKey(CvUpload, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=6, choices=SuggestionKind.choices)
    key = models.CharField(max_length=600)
    skill = models.ForeignKey(
        "taxonomy.Skill", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A job: {"title", "employer", "start_year", "start_month", "end_year", "end_month",
    # "description"}; a skill: {"text": the words of the CV that named it}.
    data = models.JSONField(default=dict)
    state = models.CharField(
        max_length=8, choices=SuggestionState.choices, default=SuggestionState.OPEN
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("kind", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("upload", "kind", "key"), name="cv_suggestion_unique"),
            models.CheckConstraint(
                condition=Q(kind="career") | Q(skill__isnull=False),
                name="cv_suggestion_skill_has_skill",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
