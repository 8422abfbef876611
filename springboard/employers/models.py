"""Employers: the clients of an agency. Contracts and cohorts arrive with the employers issue."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Employer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="employers")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ("name",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("agency", "name"), name="employer_agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
