"""Reads of competence profiles.

Scope: a candidate reads their own profile; a coach reads the profile of a candidate whose
programme they coach (resolved through `programmes.access`, every coach read audited by the
caller through `profile_read_audit`); admins and employer contacts read none of it. The two
functions at the top are the contract the opportunities app builds on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from springboard.privacy.services import audit_record
from springboard.profiles.models import (
    CareerEntry,
    CvSuggestion,
    CvUpload,
    Profile,
    ProfileComment,
    ProfileSkill,
    SuggestionState,
)
from springboard.taxonomy import selectors as taxonomy_selectors
from springboard.taxonomy.selectors import Shown
from springboard.tenancy.models import Membership


@dataclass(frozen=True)
class Preferences:
    """What a candidate wants from the next job, as the opportunities app reads it."""

    regions: str
    travel_radius_km: int | None
    hours: str  # programmes.models.Hours
    pay_min: int | None
    pay_max: int | None
    pay_currency: str  # EUR, DKK or NOK; pay is monthly
    sectors_to_avoid: str
    sectors_to_try: str
    open_to_sector_change: bool
    self_employment: str  # programmes.models.SelfEmployment
    job_sought: str


def confirmed_skill_uris(membership: Membership) -> set[str]:
    """ESCO URIs of the profile's skills confirmed by the candidate or by a coach."""
    return set(
        ProfileSkill.objects.filter(
            profile__membership=membership, profile__agency_id=membership.agency_id
        )
        .filter(Q(confirmed_by_candidate_at__isnull=False) | Q(confirmed_by_coach_at__isnull=False))
        .values_list("skill__uri", flat=True)
    )


def profile_preferences(membership: Membership) -> Preferences | None:
    """The candidate's preferences, or None when they have no profile yet."""
    profile = Profile.objects.filter(membership=membership, agency_id=membership.agency_id).first()
    if profile is None:
        return None
    return preferences_of(profile)


def preferences_of(profile: Profile) -> Preferences:
    return Preferences(
        regions=profile.regions,
        travel_radius_km=profile.travel_radius_km,
        hours=profile.hours,
        pay_min=profile.pay_min,
        pay_max=profile.pay_max,
        pay_currency=profile.pay_currency,
        sectors_to_avoid=profile.sectors_to_avoid,
        sectors_to_try=profile.sectors_to_try,
        open_to_sector_change=profile.open_to_sector_change,
        self_employment=profile.self_employment,
        job_sought=profile.job_sought,
    )


def profile_of(membership: Membership) -> Profile | None:
    return (
        Profile.objects.select_related("membership__user", "prefilled_from__programme")
        .filter(membership=membership, agency_id=membership.agency_id)
        .first()
    )


def skills_of(profile: Profile) -> QuerySet[ProfileSkill]:
    return ProfileSkill.objects.filter(profile=profile).select_related(
        "skill", "career_entry", "confirmed_by_coach"
    )


def career_of(profile: Profile) -> QuerySet[CareerEntry]:
    return CareerEntry.objects.filter(profile=profile).select_related("occupation")


def comments_of(profile: Profile) -> QuerySet[ProfileComment]:
    return ProfileComment.objects.filter(profile=profile).select_related("author")


def uploads_of(profile: Profile) -> QuerySet[CvUpload]:
    return CvUpload.objects.filter(profile=profile).prefetch_related(
        Prefetch(
            "suggestions",
            queryset=CvSuggestion.objects.select_related("skill").order_by("kind", "pk"),
        )
    )


def open_suggestions(upload: CvUpload) -> QuerySet[CvSuggestion]:
    return upload.suggestions.filter(state=SuggestionState.OPEN)


def profile_read_audit(*, viewer: Membership, profile: Profile, part: str) -> None:
    """Record a staff read of a candidate's profile (the candidate's own reads are not staff
    reads and are not recorded)."""
    if viewer.pk == profile.membership_id:
        return
    audit_record(
        agency=viewer.agency,
        actor=viewer.user,
        action="profile.read",
        target=profile.membership,
        data={"part": part},
    )


def skill_suggestions(raw_query: str, lang: str, *, profile: Profile) -> list[Shown]:
    """ESCO skills for a typed fragment, in any language's labels, that the profile lacks."""
    have = ProfileSkill.objects.filter(profile=profile).values("skill_id")
    return taxonomy_selectors.skill_suggestions(raw_query, lang, exclude_ids=have)
