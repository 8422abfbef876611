"""Coaching: coach profiles and availability, the candidate's choice of coach, one-to-one
sessions, notes, the calendar feed, workshops and modules, and the personal budget.

Everything hangs off the agency's `tenancy.Membership` (never the global user), so an agency
never sees another's coaching. Audiences: sessions are seen by the candidate, their coaches and
the agency's admins; a note's text only by the coaches (private) or also by the candidate
(shared) — never by admins or employer contacts; the budget by the candidate, coaches and admins,
and by employer contacts only as a suppressed aggregate (selectors.py).
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)

# The time zones of the agencies we serve; a coach's availability is in their own.
TIME_ZONES = (
    ("Europe/Amsterdam", "Europe/Amsterdam"),
    ("Europe/Copenhagen", "Europe/Copenhagen"),
    ("Europe/Oslo", "Europe/Oslo"),
)


def default_time_zone() -> str:
    zones = {zone for zone, _label in TIME_ZONES}
    return settings.TIME_ZONE if settings.TIME_ZONE in zones else "Europe/Amsterdam"


def localized(text: dict[str, str] | str, language: str | None = None) -> str:
    """One text of catalogue content (a {language: text} mapping) in the wanted language."""
    if isinstance(text, str):
        return text
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return text.get(language) or text.get(settings.LANGUAGE_CODE) or next(iter(text.values()), "")


# --- coaches ----------------------------------------------------------------------------------


class CoachProfile(models.Model):
    """What a candidate sees when choosing a coach, and the coach's caseload cap and time zone."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coach = models.OneToOneField(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="coach_profile"
    )
    bio = models.TextField(_("short bio"), max_length=1500, blank=True)
    languages = models.CharField(_("languages"), max_length=60, blank=True)
    specialties = models.CharField(_("specialties"), max_length=300, blank=True)
    sectors = models.CharField(_("sectors"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("caseload cap"), default=60, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TIME_ZONES, default=default_time_zone
    )
    # The photo as we re-encoded it (JPEG, resized, no metadata); never the uploaded bytes.
    photo = models.FileField(
        upload_to="private/coaches/", max_length=200, blank=True, editable=False
    )
    photo_updated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of {self.coach_id}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Availability(models.Model):
    """A weekly window in which candidates may book, in the coach's local time (so "Monday 9:00"
    stays 9:00 across a change to or from summer time)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coach = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="coaching_availability"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ("weekday", "start_time")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="availability_order"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start_time}-{self.end_time}"


class CoachChoicePolicy(models.Model):
    """Per engagement: may its candidates choose their coach from a shortlist?"""

    engagement = models.OneToOneField(
        "employers.Engagement", on_delete=models.CASCADE, related_name="coach_choice_policy"
    )
    candidates_choose = models.BooleanField(_("candidates choose their coach"), default=False)
    shortlist_size = models.PositiveSmallIntegerField(
        _("coaches on the shortlist"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"coach choice of engagement {self.engagement_id}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CoachChangeRequest(models.Model):
    """A candidate asks for another coach, with a reason; an admin decides."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="coach_change_requests"
    )
    wanted_coach = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decided_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("programme",),
                condition=Q(status="open"),
                name="one_open_coach_change_per_programme",
            )
        ]

    def __str__(self) -> str:
        return f"coach change {self.public_id}"


# --- sessions ---------------------------------------------------------------------------------


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the coach")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


# A session in one of these is still ahead of both people: it can move, be cancelled, reminded.
UPCOMING_STATUSES = frozenset({SessionStatus.PROPOSED, SessionStatus.BOOKED})


class Session(models.Model):
    """A one-to-one coaching session. Times are stored in UTC; pages show them in the viewer's
    zone, the feed writes UTC."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    coach = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    mode = models.CharField(_("how"), max_length=10, choices=SessionMode.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=SessionStatus.choices)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # iCalendar SEQUENCE: bumped by every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("starts_at", "pk")
        indexes: ClassVar = [models.Index(fields=("coach", "starts_at"))]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SessionStatus]),
                name="session_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.public_id}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.status in UPCOMING_STATUSES


class SessionRating(models.Model):
    """The candidate's rating of a session; the agency sees ratings only in aggregate."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="session_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"rating {self.score}"


class Note(models.Model):
    """A coach's note on a programme (and optionally one of its sessions). Private notes reach
    the coaches of the programme only; shared ones also the candidate. Admins, employer
    contacts and exports outside the coaching pages never read note text."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="coaching_notes"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"), max_length=5000)
    shared_with_candidate = models.BooleanField(_("share with the candidate"), default=False)
    action_item = models.ForeignKey(
        "programmes.PlanItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"note {self.public_id}"


class CalendarFeed(models.Model):
    """A person's secret calendar address in one agency. Only the SHA-256 of the token is kept;
    regenerating replaces it (the old address stops at once), revoking clears it."""

    member = models.OneToOneField(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed of {self.member_id}"


# --- workshops and modules --------------------------------------------------------------------


class WorkshopFormat(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    MODULE = "module", _("Module")
    WEBINAR = "webinar", _("Webinar")


class Workshop(models.Model):
    """An entry in the agency's catalogue; title and description in the four languages."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    # A programme template's task may name this key in its text; stable across edits.
    key = models.SlugField(_("key"), max_length=60)
    title = models.JSONField()
    description = models.JSONField()
    format = models.CharField(_("format"), max_length=10, choices=WorkshopFormat.choices)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(60 * 40)]
    )
    price_per_seat = models.DecimalField(
        _("price per seat"),
        max_digits=9,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("key",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("agency", "key"), name="workshop_agency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def localized_title(self) -> str:
        return localized(self.title)

    @property
    def localized_description(self) -> str:
        return localized(self.description)


class WorkshopDate(models.Model):
    """One run of a workshop with its seats. Sign-ups lock this row (select_for_update), so two
    people racing for the last seat never both get it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="dates")
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("starts_at", "pk")

    def __str__(self) -> str:
        return f"{self.workshop_id} at {self.starts_at}"


class SeatStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class WorkshopSeat(models.Model):
    """A candidate's place on a workshop date: booked, waiting (first come, first promoted) or
    cancelled. `attended` is set by a coach or admin afterwards."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    date = models.ForeignKey(WorkshopDate, on_delete=models.CASCADE, related_name="seats")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="workshop_seats"
    )
    status = models.CharField(max_length=12, choices=SeatStatus.choices)
    attended = models.BooleanField(null=True, blank=True)
    enrolled_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The personal-budget spend that paid this seat (priced workshops, once booked).
    budget_entry = models.OneToOneField(
        "BudgetEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="seat"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("date", "programme"),
                condition=~Q(status="cancelled"),
                name="one_live_seat_per_programme_and_date",
            )
        ]

    def __str__(self) -> str:
        return f"seat {self.public_id} ({self.status})"


class WorkshopMaterial(models.Model):
    """A file for the participants of a workshop, kept in private storage and served only
    through an access-checked view."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(upload_to="private/coaching/materials/", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return (self.file.name or "").rsplit(".", 1)[-1].lower()


# --- the personal budget ----------------------------------------------------------------------


class BudgetCategory(models.TextChoices):
    GRANT = "grant", _("Grant from the engagement")
    COACHING = "coaching", _("Coaching hours")
    WORKSHOP = "workshop", _("Workshops and modules")
    TRAINING = "training", _("External training")
    CORRECTION = "correction", _("Correction")


class BudgetEntry(models.Model):
    """One line of a programme's personal-budget ledger. Entries are never changed or deleted:
    a mistake is put right by a new (correction) entry. Positive amounts add to the balance."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="budget_entries"
    )
    category = models.CharField(_("kind"), max_length=12, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    # Set when the agency allowed this entry to take the balance below zero.
    overdraft_approved_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name_plural = "budget entries"
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(amount=0), name="budget_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("budget entries are immutable; add a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("budget entries are immutable; add a correction instead")


class TrainingRequest(models.Model):
    """The candidate asks the agency to pay an external course from the budget, with a quote."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="training_requests"
    )
    title = models.CharField(_("course"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    quote_amount = models.DecimalField(
        _("quoted price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("99999999"))],
    )
    quote_reference = models.CharField(_("quote reference or link"), max_length=300, blank=True)
    motivation = models.TextField(_("why this course"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decided_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)
    entry = models.OneToOneField(
        BudgetEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )
    requested_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "pk")

    def __str__(self) -> str:
        return self.title
