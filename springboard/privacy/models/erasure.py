"""Erasure requests: a candidate asks an agency to erase what it holds about them; an admin
carries the request out or refuses it, with a reason, before the deadline."""

from __future__ import annotations

import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The GDPR gives the controller one month to answer (art. 12(3)); we count 30 days.
ERASURE_DEADLINE_DAYS = 30


class ErasureStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Erased")
    REFUSED = "refused", _("Refused")


class RefusalReason(models.TextChoices):
    """The grounds on which art. 17(3) GDPR lets an agency keep data despite a request."""

    LEGAL_OBLIGATION = "legal_obligation", _("A law obliges us to keep the data")
    LEGAL_CLAIMS = "legal_claims", _("The data is needed for a legal claim")
    CONTRACT = "contract", _("The programme is still running under the employer's contract")
    IDENTITY = "identity", _("We could not confirm who made the request")
    UNFOUNDED = "unfounded", _("The request is manifestly unfounded or excessive")


def default_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=ERASURE_DEADLINE_DAYS)


class ErasureRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.CASCADE, related_name="erasure_requests"
    )
    # The person whose data is to be erased: their membership stays (anonymised) after erasure.
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="erasure_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    deadline = models.DateField(_("deadline"), default=default_deadline)
    status = models.CharField(
        _("status"), max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.OPEN
    )
    refusal_reason = models.CharField(
        _("reason for refusing"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_text = models.TextField(_("explanation"), max_length=2000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    # What was erased: rows per model label ("cvs.cv": 3) and files removed; no personal data.
    erased = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("deadline", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ErasureStatus]),
                name="erasure_status_valid",
            ),
            # A refusal always names its ground; nothing else carries one.
            models.CheckConstraint(
                condition=(Q(status=ErasureStatus.REFUSED) & ~Q(refusal_reason=""))
                | (~Q(status=ErasureStatus.REFUSED) & Q(refusal_reason="")),
                name="erasure_refusal_reason_iff_refused",
            ),
            # One open request per person: asking again while one is open changes nothing.
            models.UniqueConstraint(
                fields=("membership",),
                condition=Q(status=ErasureStatus.OPEN),
                name="erasure_one_open_per_membership",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=("agency", "status", "deadline"))]

    def __str__(self) -> str:
        return f"erasure request {self.public_id} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.status == ErasureStatus.OPEN and self.deadline < timezone.localdate()
