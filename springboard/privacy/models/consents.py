"""Consents: one record per person, purpose and scope, with an append-only history.

Every feature that asks a person for consent (wellbeing check-ins, showing the network to the
coaches, named status reporting to the former employer) asks through
`springboard.privacy.consents`; none keeps its own flag. A `Consent` holds the current state;
each grant and withdrawal adds a `ConsentEvent` naming who, when and which wording version was
shown, so the agency can prove what the person agreed to.

Records that may exist only under a consent (wellbeing check-ins) hold a foreign key to it:
withdrawing deletes them at once (`consents.services.withdraw`).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentPurpose(models.TextChoices):
    WELLBEING = "wellbeing", _("Wellbeing check-ins")
    SHARE_NETWORK = "share_network", _("Showing my network to my coaches")
    EMPLOYER_NAMED_REPORTING = (
        "employer_named_reporting",
        _("Showing my programme status to my former employer"),
    )


class Consent(models.Model):
    """A person's consent to one purpose, for one scope (a programme or enrolment public id;
    empty for the person as a whole), granted or withdrawn."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=40, choices=ConsentPurpose.choices)
    scope = models.UUIDField(null=True, blank=True)
    # What the scope is, in words, as the feature named it when asking ("Acme — Outplacement").
    scope_label = models.CharField(max_length=200, blank=True)
    granted = models.BooleanField(_("granted"), default=False)
    changed_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ("purpose", "scope_label", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("membership", "purpose", "scope"),
                condition=Q(scope__isnull=False),
                name="consent_one_per_scope",
            ),
            models.UniqueConstraint(
                fields=("membership", "purpose"),
                condition=Q(scope__isnull=True),
                name="consent_one_unscoped",
            ),
        ]
        indexes: ClassVar = [
            models.Index(
                fields=("purpose", "granted", "membership"), name="consent_purpose_granted_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} of {self.membership_id}"


class ConsentEventKind(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentEvent(models.Model):
    """One grant or withdrawal. Append-only: saving an existing event is refused."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("change"), max_length=10, choices=ConsentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    wording_version = models.CharField(_("wording version"), max_length=20)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Consent events are append-only.")
        super().save(**kwargs)
