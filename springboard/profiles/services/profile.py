"""The profile itself: creating it (with the intake's answers carried over), the preferences,
and the candidate's "done" marks that tick off plan tasks."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.profiles.models import Currency, Profile, ProfileSkill
from springboard.programmes.models import Intake
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership

# Skills confirmed before the candidate may say their skills are mapped.
SKILLS_MAPPED_MINIMUM = 5

PREFERENCE_FIELDS = (
    "regions",
    "travel_radius_km",
    "hours",
    "pay_min",
    "pay_max",
    "pay_currency",
    "pay_note",
    "sectors_to_avoid",
    "sectors_to_try",
    "open_to_sector_change",
    "self_employment",
    "job_sought",
)

CURRENCY_BY_LANGUAGE = {"da": Currency.DKK, "nb": Currency.NOK}


class ProfileConflict(DomainError):
    """Someone saved the row after the editor loaded it; nothing was overwritten."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This was changed in another window or by someone else while you were editing. "
                "Reload the page to see the current version, then make your change again."
            )
        )


def latest_intake(membership: Membership) -> Intake | None:
    """The newest completed intake of the candidate's programmes in this agency."""
    return (
        Intake.objects.filter(
            programme__candidate=membership, programme__agency_id=membership.agency_id
        )
        .select_related("programme")
        .order_by("-completed_at", "-pk")
        .first()
    )


def _carry_over(profile: Profile, intake: Intake) -> None:
    """The intake's answers that are preferences, so nobody types them twice."""
    profile.job_sought = intake.job_sought[:300]
    profile.regions = intake.region
    profile.travel_radius_km = intake.travel_radius_km
    profile.hours = intake.hours
    profile.pay_note = intake.pay_expectation
    profile.open_to_sector_change = intake.sector_change
    profile.self_employment = intake.self_employment
    profile.intake_skills_text = intake.skills
    profile.prefilled_from = intake


def profile_ensure(membership: Membership) -> Profile:
    """The candidate's profile, created on first use with the latest intake's answers.

    A profile whose preferences were never saved takes an intake that was completed after it
    was created, too: the candidate has not said anything that the intake would overwrite.
    """
    profile = Profile.objects.filter(membership=membership).first()
    if profile is not None and (profile.prefilled_from_id or profile.version > 1):
        return profile
    intake = latest_intake(membership)
    if profile is not None:
        if intake is not None:
            _carry_over(profile, intake)
            profile.save()
        return profile
    profile = Profile(
        agency_id=membership.agency_id,
        membership=membership,
        pay_currency=CURRENCY_BY_LANGUAGE.get(membership.language[:2], Currency.EUR),
    )
    if intake is not None:
        _carry_over(profile, intake)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        # Two first requests at once (two tabs): the other one created it.
        return Profile.objects.get(membership=membership)
    return profile


@transaction.atomic
def preferences_update(
    *, profile: Profile, expected_version: int, values: dict[str, Any]
) -> Profile:
    """Save the preferences over the version the editor started from."""
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    if locked.version != expected_version:
        raise ProfileConflict
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"not preferences: {sorted(unknown)}")
    pay_min = values.get("pay_min", locked.pay_min)
    pay_max = values.get("pay_max", locked.pay_max)
    if pay_min is not None and pay_max is not None and pay_max < pay_min:
        raise DomainError(_("The highest pay must not be below the lowest."), field="pay_max")
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def profile_mark_complete(*, profile: Profile, actor: Membership) -> Profile:
    """The candidate says the profile is complete: it needs at least one job."""
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    if not locked.career.exists():
        raise DomainError(_("Add at least one job to your career history first."))
    if locked.completed_at is None:
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at", "updated_at"])
    plan_tasks_complete_for_tool(
        candidate=locked.membership, tool="competence-profile", actor=actor
    )
    return locked


@transaction.atomic
def skills_mark_mapped(*, profile: Profile, actor: Membership) -> Profile:
    """The candidate says their skills are mapped: it needs enough confirmed skills."""
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    confirmed = sum(
        1 for skill in ProfileSkill.objects.filter(profile=locked) if skill.is_confirmed
    )
    if confirmed < SKILLS_MAPPED_MINIMUM:
        raise DomainError(
            _("Confirm at least %(count)d skills first; you have confirmed %(done)d.")
            % {"count": SKILLS_MAPPED_MINIMUM, "done": confirmed}
        )
    if locked.skills_mapped_at is None:
        locked.skills_mapped_at = timezone.now()
        locked.save(update_fields=["skills_mapped_at", "updated_at"])
    plan_tasks_complete_for_tool(candidate=locked.membership, tool="skills", actor=actor)
    return locked
