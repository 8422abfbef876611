"""CVs and cover letters of a candidate, each a document with immutable, numbered versions.

Everything hangs off the candidate's agency `Membership`, never the global user: a person in two
agencies has two unrelated sets of CVs.

Decisions recorded here:
- A saved state is a *version* (`CvVersion`, `LetterVersion`): numbered from 1 per document, never
  changed afterwards, so an application can point at exactly what was sent. The document row only
  holds what is not content (title, language, design) and the number of its latest version.
- The content of a CV version is structured JSON (see `content.py`), not rendered output: PDF,
  DOCX, the HTML preview and JSON Resume are all derived from it.
- Concurrent edits: a save names the version it was based on; when another save came first the
  new one is refused (409) and the editor shows both texts, so nothing typed is lost.
- A letter may be written for a vacancy (`vacancy_ref`): a plain UUID because the job search app
  lives in a layer above this one and foreign keys point down.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Design(models.TextChoices):
    """The Typst designs; all single-column and text-only so that ATS parsers read them."""

    CLASSIC = "classic", _("Classic")
    MODERN = "modern", _("Modern")
    COMPACT = "compact", _("Compact")


class Cv(models.Model):
    """One CV of a candidate (for a target role and in one language)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="cvs"
    )
    title = models.CharField(_("name of this CV"), max_length=120)
    target_role = models.CharField(_("target role"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    design = models.CharField(
        _("design"), max_length=10, choices=Design.choices, default=Design.CLASSIC
    )
    latest_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at", "pk")
        indexes: ClassVar = [models.Index(fields=("candidate", "-updated_at"))]

    def __str__(self) -> str:
        return self.title


class CvVersion(models.Model):
    """An immutable saved state of a CV."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cv = models.ForeignKey(Cv, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    # Who saved it: the candidate, or a coach importing a JSON Resume for them.
    saved_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-number",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("cv", "number"), name="cv_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cv_id} v{self.number}"

    @property
    def candidate_id(self) -> int:
        return self.cv.candidate_id


class Letter(models.Model):
    """A cover letter, optionally written for one vacancy."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="letters"
    )
    title = models.CharField(_("name of this letter"), max_length=120)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    design = models.CharField(
        _("design"), max_length=10, choices=Design.choices, default=Design.CLASSIC
    )
    # The job search app's vacancy, by its public id (no foreign key: that app is above this one).
    vacancy_ref = models.UUIDField(null=True, blank=True)
    latest_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at", "pk")
        indexes: ClassVar = [models.Index(fields=("candidate", "-updated_at"))]

    def __str__(self) -> str:
        return self.title


class LetterVersion(models.Model):
    """An immutable saved state of a cover letter."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # {"recipient": str, "subject": str, "body": str}
    content = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-number",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("letter", "number"), name="letter_version_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} v{self.number}"


class VersionComment(models.Model):
    """A coach's comment on one CV or letter version; the candidate sees it beside the text."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cv_version = models.ForeignKey(
        CvVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    letter_version = models.ForeignKey(
        LetterVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(cv_version__isnull=False, letter_version__isnull=True)
                | models.Q(cv_version__isnull=True, letter_version__isnull=False),
                name="version_comment_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class SuggestionState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class LinkedInSuggestionKind(models.TextChoices):
    POSITION = "position", _("Job")
    EDUCATION = "education", _("Education")
    SKILL = "skill", _("Skill")


class LinkedInSuggestion(models.Model):
    """A value from the candidate's own LinkedIn data export, offered as a profile entry."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="linkedin_suggestions"
    )
    kind = models.CharField(max_length=10, choices=LinkedInSuggestionKind.choices)
    data = models.JSONField(default=dict)
    state = models.CharField(
        max_length=10, choices=SuggestionState.choices, default=SuggestionState.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "pk")

    def __str__(self) -> str:
        return f"{self.kind} for {self.candidate_id}"


class Rendering(models.Model):
    """The PDF and DOCX of a CV version as last rendered in the background (see tasks.py), so a
    download is served without rendering; stale when the CV's design or language changed since
    (then the download renders afresh and a task renders the versions again)."""

    version = models.OneToOneField(CvVersion, on_delete=models.CASCADE, related_name="rendering")
    design = models.CharField(max_length=10, choices=Design.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    pdf = models.FileField(upload_to="private/cvs/", max_length=200)
    docx = models.FileField(upload_to="private/cvs/", max_length=200)
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"rendering of {self.version_id}"

    def fits(self, cv: Cv) -> bool:
        return self.design == cv.design and self.language == cv.language
