"""Programme templates (data, versioned), programmes, intake, the personal plan, activity,
wellbeing check-ins and reminders.

Field audiences: a programme, its intake and plan are seen by the candidate themself, the
coaches assigned to it and the agency's admins. Wellbeing check-ins (asked for under the
candidate's wellbeing consent, `springboard.privacy.consents`) are seen by the candidate and the
assigned coaches only — never by admins or employer contacts, never in an
aggregate (`selectors.py` enforces this; `tests/test_programmes_wellbeing.py` checks it).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def localized(text: dict[str, str] | str, language: str | None = None) -> str:
    """One text of template content (a {language: text} mapping) in the wanted language."""
    if isinstance(text, str):
        return text
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return text.get(language[:2]) or text.get(settings.LANGUAGE_CODE) or next(iter(text.values()))


class ProgrammeTemplate(models.Model):
    """A programme design. `agency` is empty for the templates Springboard ships; an agency that
    edits one gets its own template with the same key, which then replaces the shipped one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "tenancy.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programme_templates",
    )
    key = models.SlugField(_("key"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("key",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("agency", "key"), name="programme_template_agency_key_unique"
            ),
            models.UniqueConstraint(
                fields=("key",),
                condition=Q(agency__isnull=True),
                name="programme_template_shipped_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ProgrammeTemplateVersion(models.Model):
    """One immutable version of a template; a running programme keeps the version it started on.

    `content` is the whole design: {"name", "description", "duration_months", "phases": [{"key",
    "title", "description", "optional", "steps": [{"key", "title", "tasks": [{"key", "title",
    "description", "due_days"}]}]}]}; every text is {"en", "nl", "da", "nb"} (see content.py).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(
        ProgrammeTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("template", "-number")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("template", "number"), name="programme_template_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.key} v{self.number}"

    @property
    def name(self) -> str:
        return localized(self.content["name"])

    @property
    def description(self) -> str:
        return localized(self.content.get("description", ""))

    @property
    def localized_phases(self) -> list[dict[str, Any]]:
        """The design in the current language, for display."""
        return [
            {
                "title": localized(phase["title"]),
                "description": localized(phase["description"]),
                "optional": phase.get("optional", False),
                "steps": [
                    {
                        "title": localized(step["title"]),
                        "tasks": [
                            {"title": localized(task["title"]), "due_days": task["due_days"]}
                            for task in step["tasks"]
                        ],
                    }
                    for step in phase["steps"]
                ],
            }
            for phase in self.content["phases"]
        ]


class ProgrammeStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    EXTENDED = "extended", _("Extended")
    PLACED = "placed", _("Placed")
    AFTERCARE = "aftercare", _("Aftercare")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    CLOSED = "closed", _("Closed")


# A programme in one of these is still being worked on: it counts for caseloads and reminders.
RUNNING_STATUSES = frozenset(
    {
        ProgrammeStatus.INVITED,
        ProgrammeStatus.INTAKE,
        ProgrammeStatus.ACTIVE,
        ProgrammeStatus.EXTENDED,
        ProgrammeStatus.PAUSED,
    }
)


class Programme(models.Model):
    """One candidate's programme within one engagement: exactly one per enrolment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    enrolment = models.OneToOneField(
        "employers.Enrolment", on_delete=models.PROTECT, related_name="programme"
    )
    # The enrolment's candidate, kept here so every scoped read is one join shorter.
    candidate = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="programmes"
    )
    coaches = models.ManyToManyField(
        "tenancy.Membership", blank=True, related_name="coached_programmes"
    )
    template_version = models.ForeignKey(
        ProgrammeTemplateVersion, on_delete=models.PROTECT, related_name="programmes"
    )
    language = models.CharField(
        _("language of the plan"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.INVITED
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Kept up to date by services whenever a task changes, so caseloads sort in the database.
    current_phase = models.ForeignKey(
        "PlanPhase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress_percent = models.PositiveSmallIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change to the plan: a write that names an older version is a conflict.
    plan_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("start_date", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProgrammeStatus]),
                name="programme_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=models.F("start_date")),
                name="programme_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="programme_progress_percent"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=("agency", "status"))]

    def __str__(self) -> str:
        return f"Programme of {self.candidate_id}"


class StatusChange(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ProgrammeStatus.choices)
    to_status = models.CharField(max_length=12, choices=ProgrammeStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DismissalProcessing(models.TextChoices):
    YES = "yes", _("Yes")
    UNSURE = "unsure", _("Not sure yet")
    NO = "no", _("No")


class TrainingNeed(models.TextChoices):
    NONE = "none", _("None")
    COURSE = "course", _("A course to update skills")
    RETRAINING = "retraining", _("Retraining for another occupation")


class Hours(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    EITHER = "either", _("Either")


class SelfEmployment(models.TextChoices):
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")
    YES = "yes", _("Yes")


class Intake(models.Model):
    """The structured intake conversation; the personal plan is generated from it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="intake")
    job_sought = models.CharField(_("kind of job sought"), max_length=300)
    dismissal_processing = models.CharField(
        _("need for processing the dismissal"),
        max_length=8,
        choices=DismissalProcessing.choices,
        default=DismissalProcessing.UNSURE,
    )
    skills = models.TextField(_("skills and competences"), max_length=4000)
    training_need = models.CharField(
        _("need for (re)training"),
        max_length=12,
        choices=TrainingNeed.choices,
        default=TrainingNeed.NONE,
    )
    training_detail = models.CharField(_("which training"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    hours = models.CharField(_("hours"), max_length=10, choices=Hours.choices, default=Hours.EITHER)
    pay_expectation = models.CharField(_("pay expectations"), max_length=200, blank=True)
    sector_change = models.BooleanField(_("open to a change of sector"), default=False)
    self_employment = models.CharField(
        _("interest in self-employment"),
        max_length=6,
        choices=SelfEmployment.choices,
        default=SelfEmployment.NO,
    )
    conducted_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Intake of {self.programme_id}"


# The questions of the intake: the fields above are their one definition. The intake form is a
# ModelForm over these, and the services take the answers as an unsaved `Intake`.
INTAKE_ANSWER_FIELDS = (
    "job_sought",
    "dismissal_processing",
    "skills",
    "training_need",
    "training_detail",
    "region",
    "travel_radius_km",
    "hours",
    "pay_expectation",
    "sector_change",
    "self_employment",
)


class PlanPhase(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField()
    source_key = models.CharField(max_length=60)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    class Meta:
        ordering = ("position",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("programme", "position"), name="plan_phase_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanItemKind(models.TextChoices):
    GOAL = "goal", _("Goal")
    MILESTONE = "milestone", _("Milestone")
    TASK = "task", _("Task")


class PlanItem(models.Model):
    """A goal, milestone (a template step) or task of the personal plan.

    Tasks belong to a milestone; a milestone is reached when its tasks are done. `version` counts
    edits of the text and date: a save naming an older version is refused (R3).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_items")
    phase = models.ForeignKey(
        PlanPhase, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PlanItemKind.choices)
    source_key = models.CharField(max_length=60, blank=True)
    # The page that does this task's work (programmes/tools.py); empty for a plain task.
    tool = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("phase__position", "position", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PlanItemKind]), name="plan_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=PlanItemKind.TASK) | Q(parent__isnull=True),
                name="plan_item_only_tasks_have_parent",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=("programme", "kind", "done_at", "due_date")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_at is None
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class ActivityKind(models.TextChoices):
    PROGRAMME_CREATED = "programme_created", _("Programme started")
    STATUS_CHANGED = "status_changed", _("Status changed")
    INTAKE_COMPLETED = "intake_completed", _("Intake completed")
    TASK_DONE = "task_done", _("Task done")
    TASK_REOPENED = "task_reopened", _("Task reopened")
    PLAN_ITEM_EDITED = "plan_item_edited", _("Plan changed")
    COACHES_CHANGED = "coaches_changed", _("Coaches changed")
    CHECKIN_SUBMITTED = "checkin_submitted", _("Wellbeing check-in")


class ActivityEntry(models.Model):
    """Append-only history of a programme. `data` holds display values, never wellbeing answers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.kind

    @property
    def detail(self) -> str:
        """What the entry is about, for display next to its kind."""
        data = self.data or {}
        if self.kind == ActivityKind.STATUS_CHANGED:
            labels = dict(ProgrammeStatus.choices)
            before, after = str(data.get("from", "")), str(data.get("to", ""))
            return f"{labels.get(before, before)} → {labels.get(after, after)}"
        if self.kind == ActivityKind.COACHES_CHANGED:
            return ", ".join(data.get("coaches", []))
        if self.kind == ActivityKind.PROGRAMME_CREATED:
            return localized(data.get("template") or "")
        return str(data.get("title") or "")


LOW_WELLBEING_SCORE = 2


class WellbeingCheckIn(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="wellbeing_checkins"
    )
    # Check-ins exist only under the candidate's wellbeing consent (`privacy.Consent`):
    # withdrawing it deletes them.
    consent = models.ForeignKey(
        "privacy.Consent", on_delete=models.CASCADE, related_name="wellbeing_checkins"
    )
    week = models.DateField(help_text="The Monday of the week the check-in is for.")
    mood = models.PositiveSmallIntegerField(
        _("mood"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    energy = models.PositiveSmallIntegerField(
        _("energy"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence about the future"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        _("anything you want your coach to know"), blank=True, max_length=2000
    )
    is_low = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-week",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("programme", "week"), name="wellbeing_one_per_week"),
            models.CheckConstraint(
                condition=Q(mood__gte=1, mood__lte=5)
                & Q(energy__gte=1, energy__lte=5)
                & Q(confidence__gte=1, confidence__lte=5),
                name="wellbeing_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.week}"


class ReminderKind(models.TextChoices):
    TASK_DUE = "task_due", _("Task due")
    CHECKIN = "checkin", _("Wellbeing check-in")


class ReminderSent(models.Model):
    """The claim on one reminder for one item on one day, taken before the e-mail is queued.

    The unique constraint makes a second run (or a second worker) find the claim and send
    nothing; `sent_at` makes a retried task skip an e-mail that already went out.
    """

    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    item_id = models.UUIDField()
    day = models.DateField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("kind", "item_id", "day"), name="reminder_once_per_item_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} {self.day}"


class EngagementProgramme(models.Model):
    """The programme settings of one engagement: the template that programmes started for its
    candidates default to. Owned here, so that the foreign keys point from programmes down to
    employers; an engagement without a chosen template has no row."""

    engagement = models.OneToOneField(
        "employers.Engagement", on_delete=models.CASCADE, related_name="programme_settings"
    )
    template = models.ForeignKey(
        ProgrammeTemplate,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("programme template"),
        help_text=_("Used for programmes started for this engagement's candidates."),
    )

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.template}"

    @property
    def template_name(self) -> str:
        """The name of the template's newest version, in the active language."""
        newest = self.template.versions.order_by("-number").first()
        return str(newest.name) if newest is not None else self.template.key


class BulkStartStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Starting programmes")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkStart(models.Model):
    """Programmes started in one step for the people of an engagement (or one of its cohorts):
    the request and its progress, polled by the page while the task runs (`services/bulk_start`).
    `enrolment_ids` are the chosen enrolments; people who already have a programme when the task
    reaches them are skipped, so running it again starts nobody twice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(
        "employers.Engagement", on_delete=models.CASCADE, related_name="+"
    )
    cohort = models.ForeignKey(
        "employers.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template_version = models.ForeignKey(
        ProgrammeTemplateVersion, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    coach_capacity = models.PositiveSmallIntegerField(_("most running programmes per coach"))
    enrolment_ids = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=8, choices=BulkStartStatus.choices, default=BulkStartStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    without_coach = models.PositiveIntegerField(default=0)
    # [{"name": display name, "message": why}] — one entry per person not started.
    failures = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Bulk start {self.public_id}"

    @property
    def progress_percent(self) -> int:
        if not self.total:
            return 100 if self.state == BulkStartStatus.DONE else 0
        return min(100, round(100 * self.processed / self.total))

    @property
    def running(self) -> bool:
        return self.state in (BulkStartStatus.QUEUED, BulkStartStatus.RUNNING)
