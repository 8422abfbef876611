"""Models of the network app: a candidate's contacts, outreach and job-search activity log.

Everything hangs off the candidate's agency `Membership` (never the global account), so a person
enrolled by two agencies has two separate networks and neither agency sees the other's.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from springboard.tenancy.models import Membership


class Circle(models.TextChoices):
    UNSORTED = "unsorted", _("Not sorted yet")
    COLLEAGUES = "colleagues", _("Former colleagues")
    MANAGERS = "managers", _("Managers")
    CUSTOMERS = "customers", _("Customers and suppliers")
    EDUCATION = "education", _("Education")
    RECRUITERS = "recruiters", _("HR and recruiters")
    FRIENDS = "friends", _("Friends and family")
    ASSOCIATIONS = "associations", _("Associations")
    OTHER = "other", _("Other")


# The circles a map counts (an unsorted contact is in none of them yet).
MAPPED_CIRCLES: tuple[Circle, ...] = tuple(c for c in Circle if c != Circle.UNSORTED)


class Strength(models.IntegerChoices):
    WEAK = 1, _("We know each other a little")
    MEDIUM = 2, _("We know each other well")
    STRONG = 3, _("Close: they would help me")


class ContactSource(models.TextChoices):
    MANUAL = "manual", _("Added by hand")
    LINKEDIN = "linkedin", _("LinkedIn export")
    VCARD = "vcard", _("vCard file")


class Contact(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="network_contacts")
    full_name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    job_title = models.CharField(_("role"), max_length=200, blank=True)
    circle = models.CharField(
        _("circle"), max_length=20, choices=Circle.choices, default=Circle.UNSORTED
    )
    strength = models.PositiveSmallIntegerField(
        _("strength of the tie"), choices=Strength.choices, default=Strength.WEAK
    )
    how_we_know = models.CharField(_("how we know each other"), max_length=500, blank=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    connected_on = models.DateField(_("connected on"), null=True, blank=True)
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    profile_url = models.URLField(_("profile address"), max_length=500, blank=True)
    # Normalised ",tag,other tag," so one tag is found with a plain `contains` on every database.
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    source = models.CharField(max_length=10, choices=ContactSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=("owner", "full_name")),
            models.Index(fields=("owner", "circle")),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(strength__in=[s.value for s in Strength]),
                name="network_contact_strength_valid",
            ),
            models.CheckConstraint(
                condition=Q(circle__in=[c.value for c in Circle]),
                name="network_contact_circle_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class ContactKey(models.Model):
    """How an imported person is recognised again (a profile address, an e-mail address, a name
    at a company): a re-import finds the contact, and a merge moves the keys of the duplicate so
    that it never comes back."""

    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=600)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("owner", "key"), name="network_contact_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class ContactImport(models.Model):
    """An uploaded file between its preview and the candidate's confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        APPLIED = "applied", _("Imported")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    # Kept only until the import is applied, then removed from the storage.
    content = models.FileField(upload_to="private/contacts/", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file_name


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LINKEDIN = "linkedin", _("LinkedIn message")
    MEETING = "meeting", _("Meeting")
    VIDEO = "video", _("Video call")
    EVENT = "event", _("Event")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Purpose(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    ADVICE = "advice", _("Ask for advice")
    INTRODUCTION = "introduction", _("Ask for an introduction")
    INFORMATION = "information", _("Informational interview")
    VACANCY = "vacancy", _("Ask about a vacancy")
    FOLLOW_UP = "follow_up", _("Follow-up")
    THANKS = "thanks", _("Thank you")
    OTHER = "other", _("Other")


class Interaction(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    date = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    follow_up_due = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=("owner", "date")),
            models.Index(fields=("follow_up_due", "follow_up_done")),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.channel}"


class FollowUpReminder(models.Model):
    """A claim on one follow-up reminder e-mail: unique per interaction and day, so that the
    command run twice (or on two machines) sends it once."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("interaction", "day"), name="network_followup_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id} {self.day}"


class MessageDraft(models.Model):
    """The candidate's own text of a first message to a contact, started from a template."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="drafts")
    language = models.CharField(_("language"), max_length=8)
    body = models.TextField(_("message"), max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("contact", "language"), name="network_draft_contact_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.language}"


class ActivityKind(models.TextChoices):
    APPLICATION = "application", _("Application sent")
    UNSOLICITED = "unsolicited", _("Unsolicited application")
    INTERVIEW = "interview", _("Job interview")
    JOB_FAIR = "job_fair", _("Job fair")
    NETWORKING = "networking", _("Network contact")
    COURSE = "course", _("Course or workshop")
    OTHER = "other", _("Other job-search activity")


class HowApplied(models.TextChoices):
    NONE = "", _("Not applicable")
    ONLINE = "online", _("Online form")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")
    NETWORK = "network", _("Through my network")


class LoggedActivity(models.Model):
    """A job-search activity the candidate records directly in the log."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of activity"), max_length=20, choices=ActivityKind.choices)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    how_applied = models.CharField(
        _("how applied"), max_length=20, choices=HowApplied.choices, blank=True
    )
    result = models.CharField(_("result"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=("owner", "date"))]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"
