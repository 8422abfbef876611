"""Alumni access: the record that a candidate was told their read-only access is about to end."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class AlumniNotice(models.Model):
    """One notice per person and end of access, claimed before the e-mail is sent.

    The unique constraint makes a second run (or a second worker) find the claim; `sent_at`
    stays empty until the e-mail went out, so a failed send is retried by the next run and a
    sent one never again. An agency that lengthens the period moves `access_until`, so the
    person is told again before the new end.
    """

    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="alumni_notices"
    )
    access_until = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("membership", "access_until"), name="alumni_notice_once_per_end"
            )
        ]

    def __str__(self) -> str:
        return f"alumni notice of {self.membership_id} for {self.access_until}"
