"""The tenant (Agency) and who belongs to it in which role (Membership)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from springboard.tenancy.roles import STAFF_ROLES, Cap, Role, capabilities_of


class Agency(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Employer(models.Model):
    """A client organisation of the agency. It lives in the foundation, beside the agency and
    its memberships, because an employer contact's membership names it; engagements, cohorts
    and enrolments (the employers app) build on it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="employers")
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(
        _("company registration number"), max_length=40, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it was created under in the employers app.
        db_table = "employers_employer"
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ("name",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("agency", "name"), name="employer_agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Leading column of the (agency, user) unique constraint, which serves as its index.
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("employer"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # What this agency holds about the person, kept per agency: another agency enrolling the same
    # address (or re-importing it) never changes what this one shows or how it writes to them.
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # When the person accepted this agency's invitation; until then the agency only enrolled them.
    joined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Set when this agency erased the person: the account may live on in another agency, so its
    # address must no longer stand in for the name here.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("agency", "user"), name="membership_agency_user_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
            # An employer contact belongs to exactly one employer; nobody else has one.
            models.CheckConstraint(
                condition=(
                    Q(role=Role.EMPLOYER_CONTACT, employer__isnull=False)
                    | (~Q(role=Role.EMPLOYER_CONTACT) & Q(employer__isnull=True))
                ),
                name="membership_employer_iff_contact",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=("agency", "role"))]

    def __str__(self) -> str:
        return f"{self.display_name} @ {self.agency} ({self.role})"

    @property
    def display_name(self) -> str:
        """The name this agency holds, else the address: never another agency's name."""
        if self.erased_at is not None:
            return str(_("Erased person"))
        return self.full_name or self.user.email

    @property
    def capabilities(self) -> frozenset[Cap]:
        return capabilities_of(self.role) if self.is_active else frozenset()

    def has(self, cap: Cap) -> bool:
        return cap in self.capabilities

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES
