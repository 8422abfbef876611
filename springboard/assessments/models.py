"""Models of the assessments app.

An instrument (the Interest Profiler, the IPIP-NEO-120, …) is data: each change to its items, keys
or texts makes a new `InstrumentVersion`, and an attempt points at the version it was taken on,
so old results keep their items and can be re-scored by the rule they were scored with.
Everything a candidate writes hangs off their agency `Membership`, never the global user.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from springboard.tenancy.models import Membership


class InstrumentKind(models.TextChoices):
    # Numbered answers on one scale per item, scored by a rule.
    LIKERT = "likert"
    # One text answer per prompt (wellbeing factors).
    PROMPTS = "prompts"
    # A list of entries the candidate writes, each with an example (strengths and weaknesses).
    ENTRIES = "entries"


class Instrument(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=InstrumentKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "key"]

    def __str__(self) -> str:
        return self.key


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Items, scales, keys, answer options and texts in every language (see content.py).
    content = models.JSONField()
    # sha256 of the canonical JSON of `content`: unchanged data keeps the version.
    content_hash = models.CharField(max_length=64)
    scoring_rule = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("instrument", "number"), name="instrument_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.key} v{self.number}"

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.content.get("items", [])
        return items


class Attempt(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="assessment_attempts"
    )
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="attempts"
    )
    # Item key → answer (an int on a Likert scale, a text for a prompt); entries for ENTRIES.
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The scores and the rule (with its version) that produced them; re-scoring rewrites both.
    scores = models.JSONField(null=True, blank=True)
    scoring_rule = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=("candidate", "version", "completed_at"), name="attempt_lookup")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(scoring_rule=""),
                name="attempt_completed_has_rule",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Comment(models.Model):
    """A coach's comment on a candidate's strengths or wellbeing factors."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="assessment_comments"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return str(self.public_id)
