"""ESCO skills of a profile: adding, describing, confirming (by the candidate or a coach) and
removing them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.profiles.models import (
    CareerEntry,
    Proficiency,
    Profile,
    ProfileSkill,
    SkillSource,
)
from springboard.profiles.services.profile import ProfileConflict
from springboard.taxonomy.models import Skill
from springboard.tenancy.models import Membership

PROFILE_SKILLS_MAX = 300


def skill_add(
    *,
    profile: Profile,
    skill: Skill,
    proficiency: str = Proficiency.GOOD,
    evidence: str = "",
    career_entry: CareerEntry | None = None,
    source: str = SkillSource.CANDIDATE,
    confirm: bool = True,
) -> ProfileSkill:
    """Add a skill; a skill the profile already has is returned as it is (adding twice is
    harmless). The candidate adding a skill themself confirms it."""
    existing = ProfileSkill.objects.filter(profile=profile, skill=skill).first()
    if existing is not None:
        return existing
    if career_entry is not None and career_entry.profile_id != profile.pk:
        raise DomainError(_("Choose one of your own jobs."), field="career_entry")
    if ProfileSkill.objects.filter(profile=profile).count() >= PROFILE_SKILLS_MAX:
        raise DomainError(_("Your profile holds as many skills as it can."))
    if proficiency not in Proficiency.values:
        raise DomainError(_("Choose a proficiency."), field="proficiency")
    row = ProfileSkill(
        profile=profile,
        skill=skill,
        proficiency=proficiency,
        evidence=evidence[:2000],
        career_entry=career_entry,
        source=source,
        confirmed_by_candidate_at=timezone.now() if confirm else None,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return ProfileSkill.objects.get(profile=profile, skill=skill)
    return row


@transaction.atomic
def skill_update(
    *,
    row: ProfileSkill,
    expected_version: int,
    proficiency: str,
    evidence: str,
    career_entry: CareerEntry | None,
) -> ProfileSkill:
    locked = ProfileSkill.objects.select_for_update().get(pk=row.pk)
    if locked.version != expected_version:
        raise ProfileConflict
    if career_entry is not None and career_entry.profile_id != locked.profile_id:
        raise DomainError(_("Choose one of your own jobs."), field="career_entry")
    if proficiency not in Proficiency.values:
        raise DomainError(_("Choose a proficiency."), field="proficiency")
    locked.proficiency = proficiency
    locked.evidence = evidence[:2000]
    locked.career_entry = career_entry
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def skill_confirm(*, row: ProfileSkill, actor: Membership, confirmed: bool = True) -> ProfileSkill:
    """The candidate (their own skill) or a coach (a skill of a candidate they coach; the caller
    checked the scope) confirms a skill or withdraws their confirmation."""
    locked = ProfileSkill.objects.select_for_update().select_related("profile").get(pk=row.pk)
    now = timezone.now() if confirmed else None
    if actor.pk == locked.profile.membership_id:
        locked.confirmed_by_candidate_at = now
    else:
        locked.confirmed_by_coach = actor if confirmed else None
        locked.confirmed_by_coach_at = now
        audit_record(
            agency=actor.agency,
            actor=actor.user,
            action="profile.skill_confirm" if confirmed else "profile.skill_unconfirm",
            target=locked.profile.membership,
            data={"skill": locked.skill.uri},
        )
    locked.version += 1
    locked.save()
    return locked


def skill_remove(*, row: ProfileSkill) -> None:
    ProfileSkill.objects.filter(pk=row.pk).delete()
