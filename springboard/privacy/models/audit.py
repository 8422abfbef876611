"""The audit log: who did or read what, in which agency, when, within which request."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from springboard.privacy.actions import action_label, target_label


class AuditEvent(models.Model):
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.CASCADE, null=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            models.Index(fields=("agency", "-created_at")),
            models.Index(fields=("agency", "action")),
            # "Who looked at my data" and the admin's search by person look events up by target.
            models.Index(fields=("agency", "target_type", "target_id")),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language ("Programme started" for `programme.create`)."""
        return action_label(self.action)

    @property
    def target_label(self) -> str:
        """What the event is about, in the reader's language ("Programme")."""
        return target_label(self.target_type) if self.target_type else ""


class PrivacySettings(models.Model):
    """An agency's choices on keeping personal data: alumni access and retention per kind."""

    agency = models.OneToOneField(
        "tenancy.Agency", on_delete=models.CASCADE, related_name="privacy_settings"
    )
    # How long a candidate keeps read access to their own data after their programme ends.
    alumni_months = models.PositiveSmallIntegerField(
        _("alumni access (months after the programme ends)"),
        default=12,
        validators=[MaxValueValidator(120)],
    )
    # Days after the person's last programme ends that each kind of record is kept,
    # keyed by `declarations.RetentionKind`; a kind not listed uses DEFAULT_RETENTION_DAYS.
    retention_days = models.JSONField(_("retention (days) per kind of record"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"privacy settings of {self.agency_id}"
