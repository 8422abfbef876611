"""The opportunities app over the API (mounted under /api/v1/).

The candidate reads their own ranked occupations; a coach reads those of a candidate whose
programme they coach (audited) and turns a missing skill into a plan task. Scope and
capabilities come from the same access layer as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import P, QueryEx, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from springboard.employers.api import TextIn
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.errors import DomainError
from springboard.opportunities import access, selectors, services
from springboard.opportunities.ranking import Sort, View
from springboard.opportunities.selectors import Opportunities, OpportunityItem, SkillShown
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.taxonomy.models import Occupation, Skill
from springboard.taxonomy.selectors import reader_lang
from springboard.tenancy.access import current_membership

router = Router(auth=django_auth, tags=["opportunities"])

MAX_PAGE = 10_000
Major = Literal["", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]


def _checked[T](lookup: Callable[[], T]) -> T:
    """Run an access lookup; a missing capability is a JSON 403 like every other API error."""
    try:
        return lookup()
    except PermissionDenied as error:
        raise HttpError(403, "Forbidden") from error


class OpportunitySkillOut(Schema):
    id: UUID
    uri: str
    name: str
    lang: str

    @staticmethod
    def of(skill: SkillShown) -> OpportunitySkillOut:
        return OpportunitySkillOut(
            id=skill.shown.public_id, uri=skill.uri, name=skill.shown.name, lang=skill.shown.lang
        )


class OpportunityOut(Schema):
    occupation_id: UUID
    uri: str
    name: str
    lang: str
    score: float
    skill_fit: float
    # None: the candidate has no interest scores, or the occupation no O*NET interest profile.
    interest_fit: float | None
    has_interest_profile: bool
    essential_skills: int
    matched_essential: list[OpportunitySkillOut]
    matched_optional: list[OpportunitySkillOut]
    missing_essential: list[OpportunitySkillOut]
    more_missing_essential: int
    # None while Springboard holds no vacancies.
    vacancies: int | None
    # URIs of missing skills already turned into plan tasks (coach view; empty otherwise).
    planned_skills: list[str]

    @staticmethod
    def of(item: OpportunityItem) -> OpportunityOut:
        return OpportunityOut(
            occupation_id=item.occupation.public_id,
            uri=item.uri,
            name=item.occupation.name,
            lang=item.occupation.lang,
            score=item.ranked.score,
            skill_fit=item.ranked.skill_fit,
            interest_fit=item.ranked.interest_fit,
            has_interest_profile=item.has_interest_profile,
            essential_skills=item.ranked.essential,
            matched_essential=[OpportunitySkillOut.of(s) for s in item.matched_essential],
            matched_optional=[OpportunitySkillOut.of(s) for s in item.matched_optional],
            missing_essential=[OpportunitySkillOut.of(s) for s in item.missing_essential],
            more_missing_essential=item.more_missing,
            vacancies=item.vacancies,
            planned_skills=sorted(item.planned_skills),
        )


class OpportunitiesOut(Schema):
    view: str
    total: int
    page: int
    pages: int
    confirmed_skills: int
    interests_known: bool
    # ISCO major groups of past jobs and the job sought ("another sector" leaves them out).
    home_isco_groups: list[str]
    items: list[OpportunityOut]

    @staticmethod
    def of(result: Opportunities) -> OpportunitiesOut:
        return OpportunitiesOut(
            view=result.query.view.value,
            total=result.total,
            page=result.page.number,
            pages=result.page.paginator.num_pages,
            confirmed_skills=len(result.inputs.skills),
            interests_known=result.inputs.interests is not None,
            home_isco_groups=sorted(result.inputs.home_majors),
            items=[OpportunityOut.of(item) for item in result.items],
        )


class TrainingNeedIn(TextIn):
    skill: UUID
    occupation: UUID | None = None


class TrainingNeedOut(Schema):
    task_id: UUID
    title: str
    created: bool


def _lang(request: HttpRequest) -> str:
    return reader_lang(getattr(request, "LANGUAGE_CODE", "") or "")


@router.get(
    "/a/{agency_slug}/opportunities",
    response={200: OpportunitiesOut, **ERRORS},
    url_name="opportunity_list",
)
def opportunity_list(
    request: HttpRequest,
    agency_slug: str,
    view: View = View.ALL,
    major: Major = "",
    sort: Sort = Sort.SCORE,
    q: QueryEx[str, P(max_length=100)] = "",
    page: QueryEx[int, P(ge=1, le=MAX_PAGE)] = 1,
) -> OpportunitiesOut:
    """The candidate's own ranked occupations (10 a page), with what explains each; `q` keeps
    the occupations with a label containing it."""
    viewer = _checked(lambda: access.get_candidate(request))
    result = selectors.opportunities(
        viewer,
        view=view,
        major=major,
        sort=sort,
        search=q,
        page_number=page,
        lang=_lang(request),
    )
    if result.total:
        plan_tasks_complete_for_tool(candidate=viewer, tool="opportunities", actor=viewer)
    return OpportunitiesOut.of(result)


@router.get(
    "/a/{agency_slug}/opportunities/programmes/{programme_id}",
    response={200: OpportunitiesOut, **ERRORS},
    url_name="opportunity_coach_list",
)
def opportunity_coach_list(
    request: HttpRequest,
    agency_slug: str,
    programme_id: UUID,
    view: View = View.ALL,
    major: Major = "",
    sort: Sort = Sort.SCORE,
    q: QueryEx[str, P(max_length=100)] = "",
    page: QueryEx[int, P(ge=1, le=MAX_PAGE)] = 1,
) -> OpportunitiesOut:
    """A coached candidate's ranked occupations; the read is audited."""
    programme = _checked(lambda: access.get_coached_programme(request, programme_id))
    result = selectors.opportunities_for_coach(
        programme,
        current_membership(request),
        view=view,
        major=major,
        sort=sort,
        search=q,
        page_number=page,
        lang=_lang(request),
    )
    return OpportunitiesOut.of(result)


@router.post(
    "/a/{agency_slug}/opportunities/programmes/{programme_id}/training-needs",
    response={200: TrainingNeedOut, **WRITE_ERRORS},
    url_name="opportunity_training_need",
)
def opportunity_training_need(
    request: HttpRequest, agency_slug: str, programme_id: UUID, payload: TrainingNeedIn
) -> TrainingNeedOut:
    """Turn a skill into a task of the candidate's plan; the same skill again returns the task
    made the first time (`created` false)."""
    programme = _checked(lambda: access.get_coached_programme(request, programme_id))
    skill = Skill.objects.filter(public_id=payload.skill).first()
    if skill is None:
        raise HttpError(400, "Unknown skill.")
    occupation = (
        Occupation.objects.filter(public_id=payload.occupation).first()
        if payload.occupation
        else None
    )
    try:
        outcome = services.training_need_add(
            programme=programme,
            actor=current_membership(request),
            skill=skill,
            occupation=occupation,
        )
    except DomainError as error:
        raise HttpError(400, error.message) from error
    return TrainingNeedOut(
        task_id=outcome.item.public_id, title=outcome.item.title, created=outcome.created
    )
