"""The competence profile over the API (mounted under /api/v1/).

The candidate reads and writes their own profile. A coach reads the profile of a candidate they
coach by naming the programme (`?programme=<uuid>`); every such read is audited, and a coach may
confirm skills the same way. Admins and employer contacts get 403: the profile is not theirs to
read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from springboard.employers.api import TextIn
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS, ErrorOut
from springboard.lib.errors import DomainError
from springboard.profiles import access, selectors, services
from springboard.profiles.models import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    CareerEntry,
    Currency,
    Proficiency,
    Profile,
    ProfileSkill,
)
from springboard.programmes.models import Hours, SelfEmployment
from springboard.taxonomy.models import Skill
from springboard.taxonomy.selectors import reader_lang
from springboard.tenancy.models import Membership

router = Router(auth=django_auth, tags=["profiles"])


def _checked[T](lookup: Callable[[], T]) -> T:
    try:
        return lookup()
    except PermissionDenied as error:
        raise HttpError(403, "Forbidden") from error


def _profile_for(
    request: HttpRequest, programme: UUID | None, *, part: str
) -> tuple[Membership, Profile]:
    """The caller's own profile, or (with `programme`) a coached candidate's, audited."""
    if programme is None:
        return _checked(lambda: access.own_profile(request))
    viewer, _programme, profile = _checked(lambda: access.coached_profile(request, programme))
    selectors.profile_read_audit(viewer=viewer, profile=profile, part=part)
    return viewer, profile


def _lang() -> str:
    return reader_lang(get_language() or "")


class ProfileSkillOut(Schema):
    id: UUID
    skill_id: UUID
    uri: str
    name: str
    proficiency: str
    evidence: str
    career_entry: UUID | None
    confirmed_by_candidate_at: datetime.datetime | None
    confirmed_by_coach: str | None
    confirmed_by_coach_at: datetime.datetime | None
    version: int

    @staticmethod
    def of(row: ProfileSkill) -> ProfileSkillOut:
        return ProfileSkillOut(
            id=row.public_id,
            skill_id=row.skill.public_id,
            uri=row.skill.uri,
            name=row.skill.name_in(_lang()),
            proficiency=row.proficiency,
            evidence=row.evidence,
            career_entry=row.career_entry.public_id if row.career_entry else None,
            confirmed_by_candidate_at=row.confirmed_by_candidate_at,
            confirmed_by_coach=row.confirmed_by_coach.display_name
            if row.confirmed_by_coach
            else None,
            confirmed_by_coach_at=row.confirmed_by_coach_at,
            version=row.version,
        )


class CareerOut(Schema):
    id: UUID
    title: str
    employer: str
    occupation_uri: str | None
    start_year: int
    start_month: int | None
    end_year: int | None
    end_month: int | None
    current: bool
    description: str
    went_well: str
    was_hard: str
    take_along: str
    why_ended: str
    version: int

    @staticmethod
    def of(entry: CareerEntry) -> CareerOut:
        return CareerOut(
            id=entry.public_id,
            title=entry.title,
            employer=entry.employer,
            occupation_uri=entry.occupation.uri if entry.occupation else None,
            start_year=entry.start_year,
            start_month=entry.start_month,
            end_year=entry.end_year,
            end_month=entry.end_month,
            current=entry.is_current,
            description=entry.description,
            went_well=entry.went_well,
            was_hard=entry.was_hard,
            take_along=entry.take_along,
            why_ended=entry.why_ended,
            version=entry.version,
        )


class PreferencesOut(Schema):
    regions: str
    travel_radius_km: int | None
    hours: str
    pay_min: int | None
    pay_max: int | None
    pay_currency: str
    pay_note: str
    sectors_to_avoid: str
    sectors_to_try: str
    open_to_sector_change: bool
    self_employment: str
    job_sought: str
    prefilled_from_intake: bool
    version: int

    @staticmethod
    def of(profile: Profile) -> PreferencesOut:
        return PreferencesOut(
            regions=profile.regions,
            travel_radius_km=profile.travel_radius_km,
            hours=profile.hours,
            pay_min=profile.pay_min,
            pay_max=profile.pay_max,
            pay_currency=profile.pay_currency,
            pay_note=profile.pay_note,
            sectors_to_avoid=profile.sectors_to_avoid,
            sectors_to_try=profile.sectors_to_try,
            open_to_sector_change=profile.open_to_sector_change,
            self_employment=profile.self_employment,
            job_sought=profile.job_sought,
            prefilled_from_intake=profile.prefilled_from_id is not None,
            version=profile.version,
        )


class EducationOut(Schema):
    kind: str
    title: str
    institution: str
    level: str
    start_year: int | None
    end_year: int | None


class LanguageOut(Schema):
    language: str
    mother_tongue: bool
    understanding: str
    speaking: str
    writing: str


class AchievementOut(Schema):
    title: str
    situation: str
    task: str
    action: str
    result: str
    skills: list[UUID]


class ProfileOut(Schema):
    id: UUID
    completed_at: datetime.datetime | None
    skills_mapped_at: datetime.datetime | None
    career: list[CareerOut]
    achievements: list[AchievementOut]
    education: list[EducationOut]
    languages: list[LanguageOut]
    skills: list[ProfileSkillOut]
    preferences: PreferencesOut


@router.get(
    "/a/{agency_slug}/profile",
    response={200: ProfileOut, **ERRORS},
    url_name="profile_detail",
)
def profile_detail(
    request: HttpRequest, agency_slug: str, programme: UUID | None = None
) -> ProfileOut:
    _viewer, profile = _profile_for(request, programme, part="api.profile")
    return ProfileOut(
        id=profile.public_id,
        completed_at=profile.completed_at,
        skills_mapped_at=profile.skills_mapped_at,
        career=[CareerOut.of(e) for e in selectors.career_of(profile)],
        achievements=[
            AchievementOut(
                title=a.title,
                situation=a.situation,
                task=a.task,
                action=a.action,
                result=a.result,
                skills=[s.public_id for s in a.skills.all()],
            )
            for a in profile.achievements.prefetch_related("skills")
        ],
        education=[
            EducationOut(
                kind=e.kind,
                title=e.title,
                institution=e.institution,
                level=e.level,
                start_year=e.start_year,
                end_year=e.end_year,
            )
            for e in profile.education.all()
        ],
        languages=[
            LanguageOut(
                language=x.language,
                mother_tongue=x.mother_tongue,
                understanding=x.understanding,
                speaking=x.speaking,
                writing=x.writing,
            )
            for x in profile.languages.all()
        ],
        skills=[ProfileSkillOut.of(row) for row in selectors.skills_of(profile)],
        preferences=PreferencesOut.of(profile),
    )


# --- career --------------------------------------------------------------------------------------


class CareerIn(TextIn):
    title: str = Field(min_length=1, max_length=200)
    employer: str = Field(default="", max_length=200)
    start_year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)
    start_month: int | None = Field(default=None, ge=1, le=12)
    end_year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=LATEST_YEAR)
    end_month: int | None = Field(default=None, ge=1, le=12)
    description: str = Field(default="", max_length=4000)
    went_well: str = Field(default="", max_length=4000)
    was_hard: str = Field(default="", max_length=4000)
    take_along: str = Field(default="", max_length=4000)
    why_ended: str = Field(default="", max_length=4000)


@router.get(
    "/a/{agency_slug}/profile/career",
    response={200: list[CareerOut], **ERRORS},
    url_name="profile_career",
)
def career_list(
    request: HttpRequest, agency_slug: str, programme: UUID | None = None
) -> list[CareerOut]:
    _viewer, profile = _profile_for(request, programme, part="api.career")
    return [CareerOut.of(e) for e in selectors.career_of(profile)]


@router.post(
    "/a/{agency_slug}/profile/career",
    response={201: CareerOut, **WRITE_ERRORS},
    url_name="profile_career",
)
def career_add(request: HttpRequest, agency_slug: str, payload: CareerIn) -> Any:
    _viewer, profile = _checked(lambda: access.own_profile(request))
    try:
        entry = services.section_row_save(
            profile=profile,
            model=CareerEntry,
            row=None,
            expected_version=None,
            values=payload.model_dump(),
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, field=error.field))
    return Status(201, CareerOut.of(entry))


# --- skills --------------------------------------------------------------------------------------


class SkillIn(TextIn):
    skill_id: UUID
    proficiency: Proficiency = Proficiency.GOOD
    evidence: str = Field(default="", max_length=2000)


class ConfirmIn(Schema):
    confirmed: bool = True


@router.get(
    "/a/{agency_slug}/profile/skills",
    response={200: list[ProfileSkillOut], **ERRORS},
    url_name="profile_skills",
)
def skill_list(
    request: HttpRequest, agency_slug: str, programme: UUID | None = None
) -> list[ProfileSkillOut]:
    _viewer, profile = _profile_for(request, programme, part="api.skills")
    return [ProfileSkillOut.of(row) for row in selectors.skills_of(profile)]


@router.post(
    "/a/{agency_slug}/profile/skills",
    response={201: ProfileSkillOut, **WRITE_ERRORS},
    url_name="profile_skills",
)
def skill_add(request: HttpRequest, agency_slug: str, payload: SkillIn) -> Any:
    _viewer, profile = _checked(lambda: access.own_profile(request))
    skill = Skill.objects.filter(public_id=payload.skill_id).first()
    if skill is None:
        return Status(
            400, ErrorOut(detail=_("Choose a skill from the suggestions."), field="skill_id")
        )
    try:
        row = services.skill_add(
            profile=profile,
            skill=skill,
            proficiency=payload.proficiency,
            evidence=payload.evidence,
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, field=error.field))
    return Status(201, ProfileSkillOut.of(row))


def _skill_row(profile: Profile, skill_id: UUID) -> ProfileSkill:
    row = selectors.skills_of(profile).filter(public_id=skill_id).first()
    if row is None:
        raise Http404
    return row


@router.post(
    "/a/{agency_slug}/profile/skills/{skill_id}/confirm",
    response={200: ProfileSkillOut, **WRITE_ERRORS},
    url_name="profile_skill_confirm",
)
def skill_confirm(
    request: HttpRequest,
    agency_slug: str,
    skill_id: UUID,
    payload: ConfirmIn,
    programme: UUID | None = None,
) -> ProfileSkillOut:
    """The candidate confirms their own skill; a coach names the programme to confirm one of a
    candidate they coach."""
    if programme is None:
        viewer, profile = _checked(lambda: access.own_existing_profile(request))
    else:
        viewer, _programme, profile = _checked(lambda: access.coached_profile(request, programme))
    row = _skill_row(profile, skill_id)
    row = services.skill_confirm(row=row, actor=viewer, confirmed=payload.confirmed)
    return ProfileSkillOut.of(_skill_row(profile, row.public_id))


@router.delete(
    "/a/{agency_slug}/profile/skills/{skill_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="profile_skill",
)
def skill_remove(request: HttpRequest, agency_slug: str, skill_id: UUID) -> Any:
    _viewer, profile = _checked(lambda: access.own_existing_profile(request))
    services.skill_remove(row=_skill_row(profile, skill_id))
    return Status(204, None)


# --- preferences ---------------------------------------------------------------------------------


class PreferencesIn(TextIn):
    version: int
    regions: str = Field(default="", max_length=300)
    travel_radius_km: int | None = Field(default=None, ge=0, le=1000)
    hours: Hours = Hours.EITHER
    pay_min: int | None = Field(default=None, ge=0, le=10_000_000)
    pay_max: int | None = Field(default=None, ge=0, le=10_000_000)
    pay_currency: Currency = Currency.EUR
    pay_note: str = Field(default="", max_length=200)
    sectors_to_avoid: str = Field(default="", max_length=500)
    sectors_to_try: str = Field(default="", max_length=500)
    open_to_sector_change: bool = False
    self_employment: SelfEmployment = SelfEmployment.NO
    job_sought: str = Field(default="", max_length=300)


class PreferencesConflictOut(Schema):
    detail: str
    current: PreferencesOut


@router.get(
    "/a/{agency_slug}/profile/preferences",
    response={200: PreferencesOut, **ERRORS},
    url_name="profile_preferences",
)
def preferences_get(
    request: HttpRequest, agency_slug: str, programme: UUID | None = None
) -> PreferencesOut:
    _viewer, profile = _profile_for(request, programme, part="api.preferences")
    return PreferencesOut.of(profile)


@router.put(
    "/a/{agency_slug}/profile/preferences",
    response={200: PreferencesOut, 409: PreferencesConflictOut, **WRITE_ERRORS},
    url_name="profile_preferences",
)
def preferences_put(request: HttpRequest, agency_slug: str, payload: PreferencesIn) -> Any:
    """Replace the preferences; `version` is the one read: an older one is a 409."""
    _viewer, profile = _checked(lambda: access.own_profile(request))
    values = payload.model_dump()
    version = values.pop("version")
    try:
        profile = services.preferences_update(
            profile=profile, expected_version=version, values=values
        )
    except services.ProfileConflict as clash:
        profile.refresh_from_db()
        return Status(
            409, PreferencesConflictOut(detail=clash.message, current=PreferencesOut.of(profile))
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, field=error.field))
    return Status(200, PreferencesOut.of(profile))
