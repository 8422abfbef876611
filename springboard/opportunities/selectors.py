"""Reads of the opportunities app: a candidate's ranked occupations, with what explains them.

Scope: the candidate reads their own; a coach reads those of a candidate whose programme they
coach (resolved through `programmes.access`) and every such read is audited
(`opportunities.read`). Admins and employer contacts read none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from springboard.assessments.selectors import interest_scores
from springboard.opportunities.index import get_index
from springboard.opportunities.models import TrainingNeedTask
from springboard.opportunities.ranking import (
    OpportunityIndex,
    Profile,
    Query,
    Ranked,
    Sort,
    View,
    interest_profile,
)
from springboard.privacy.services import audit_record
from springboard.profiles.selectors import career_of, confirmed_skill_uris, profile_of
from springboard.programmes.models import Programme
from springboard.taxonomy.engine_cache import get_ranker
from springboard.taxonomy.models import IscoGroup, Label, Occupation, Skill
from springboard.taxonomy.selectors import Shown, clean_query, occupation_search, shown
from springboard.tenancy.models import Membership

PER_PAGE = 10
MISSING_SHOWN = 8
# A job title read as an ESCO occupation counts only above this ranker score (1.0 ≈ a label).
TARGET_MIN_SCORE = 0.6


@dataclass(frozen=True)
class CandidateInputs:
    skills: frozenset[str]
    interests: Profile | None
    # ISCO major groups (first digit) of past occupations and the job sought, and the
    # occupations they came from (shown on the page, so "another sector" explains itself).
    home_majors: frozenset[str]
    home_occupations: tuple[Occupation, ...]


@dataclass(frozen=True)
class SkillShown:
    uri: str
    shown: Shown


@dataclass
class OpportunityItem:
    occupation: Shown
    uri: str
    ranked: Ranked
    matched_essential: list[SkillShown]
    matched_optional: list[SkillShown]
    missing_essential: list[SkillShown]
    more_missing: int
    vacancies: int | None
    has_interest_profile: bool
    planned_skills: set[str] = field(default_factory=set)  # URIs already made plan tasks

    @property
    def score_percent(self) -> str:
        return f"{round(100 * self.ranked.score)} %"

    @property
    def interest_percent(self) -> str:
        fit = self.ranked.interest_fit
        return "" if fit is None else f"{round(100 * fit)} %"


@dataclass
class Opportunities:
    inputs: CandidateInputs
    query: Query
    page: Page
    items: list[OpportunityItem]
    total: int


def vacancies_asking_for(occupation_uris: list[str]) -> dict[str, int] | None:
    """How many open vacancies ask for each occupation; None while Springboard has no vacancy
    data. The one place to plug vacancies in: the page shows the figure only when not None."""
    return None


def _home_occupations(membership: Membership) -> list[Occupation]:
    profile = profile_of(membership)
    if profile is None:
        return []
    found = {
        entry.occupation.pk: entry.occupation
        for entry in career_of(profile).select_related("occupation__isco_group")
        if entry.occupation is not None
    }
    sought = profile.job_sought.strip()
    # The title ranker is built over occupation labels: with none it cannot read a title.
    if sought and Label.objects.filter(occupation__isnull=False).exists():
        hits = get_ranker().rank(sought, membership.language or None, top=1)
        if hits and hits[0].score >= TARGET_MIN_SCORE:
            target = Occupation.objects.select_related("isco_group").filter(uri=hits[0].uri).first()
            if target is not None:
                found.setdefault(target.pk, target)
    return list(found.values())


def candidate_inputs(membership: Membership) -> CandidateInputs:
    home = _home_occupations(membership)
    majors = {o.isco_group.code[:1] for o in home if o.isco_group and o.isco_group.code}
    return CandidateInputs(
        skills=frozenset(confirmed_skill_uris(membership)),
        interests=interest_profile(interest_scores(membership)),
        home_majors=frozenset(majors),
        home_occupations=tuple(home),
    )


def _searched(search: str, lang: str) -> frozenset[str] | None:
    """URIs of the occupations with a label containing the search (any language); None for
    no search."""
    if not clean_query(search):
        return None
    return frozenset(occupation_search(search, lang).values_list("uri", flat=True))


def isco_major_groups() -> list[IscoGroup]:
    return list(IscoGroup.objects.filter(code__regex=r"^[0-9]$").order_by("code"))


def opportunities(
    membership: Membership,
    *,
    view: View = View.ALL,
    major: str = "",
    sort: Sort = Sort.SCORE,
    search: str = "",
    page_number: int | str | None = 1,
    lang: str = "en",
    programme: Programme | None = None,
    index: OpportunityIndex | None = None,
) -> Opportunities:
    """One page of the candidate's ranked occupations; `programme` adds which missing skills
    are already tasks of its plan (the coach's view)."""
    inputs = candidate_inputs(membership)
    index = index or get_index()
    query = Query(
        skills=inputs.skills,
        interests=inputs.interests,
        view=view,
        home_majors=inputs.home_majors,
        major=major,
        sort=sort,
        only=_searched(search, lang),
    )
    # "Another sector" means nothing before we know the candidate's own sectors.
    unknown_home = view == View.OTHER_SECTOR and not inputs.home_majors
    ranked = index.rank(query) if inputs.skills and not unknown_home else []
    page = Paginator(ranked, PER_PAGE).get_page(page_number)
    planned = (
        set(
            TrainingNeedTask.objects.filter(programme=programme).values_list(
                "skill__uri", flat=True
            )
        )
        if programme is not None
        else set()
    )
    items = _items(index, list(page.object_list), inputs.skills, lang, planned)
    return Opportunities(inputs=inputs, query=query, page=page, items=items, total=len(ranked))


def _items(
    index: OpportunityIndex,
    ranked: list[Ranked],
    skills: frozenset[str],
    lang: str,
    planned: set[str],
) -> list[OpportunityItem]:
    explanations = {r.uri: index.explain(r.uri, skills) for r in ranked}
    wanted_skills: set[str] = set()
    for explanation in explanations.values():
        wanted_skills.update(explanation.matched_essential, explanation.matched_optional)
        wanted_skills.update(explanation.missing_essential[:MISSING_SHOWN])
    skill_rows = {s.uri: s for s in Skill.objects.filter(uri__in=wanted_skills)}
    occupations = {o.uri: o for o in Occupation.objects.filter(uri__in=[r.uri for r in ranked])}
    vacancies = vacancies_asking_for([r.uri for r in ranked])
    items = []
    for r in ranked:
        occupation = occupations.get(r.uri)
        if occupation is None:  # the taxonomy changed since the index was read
            continue
        explanation = explanations[r.uri]
        record = index.record(r.uri)

        def rows(uris: tuple[str, ...]) -> list[SkillShown]:
            return [SkillShown(u, shown(skill_rows[u], lang)) for u in uris if u in skill_rows]

        items.append(
            OpportunityItem(
                occupation=shown(occupation, lang),
                uri=r.uri,
                ranked=r,
                matched_essential=rows(explanation.matched_essential),
                matched_optional=rows(explanation.matched_optional),
                missing_essential=rows(explanation.missing_essential[:MISSING_SHOWN]),
                more_missing=max(0, len(explanation.missing_essential) - MISSING_SHOWN),
                vacancies=None if vacancies is None else vacancies.get(r.uri, 0),
                has_interest_profile=record is not None and record.interests is not None,
                planned_skills=planned & set(explanation.missing_essential),
            )
        )
    return items


def opportunities_for_coach(
    programme: Programme,
    viewer: Membership,
    *,
    view: View = View.ALL,
    major: str = "",
    sort: Sort = Sort.SCORE,
    search: str = "",
    page_number: int | str | None = 1,
    lang: str = "en",
) -> Opportunities:
    """The coach's view of a candidate's opportunities; the read is audited."""
    result = opportunities(
        programme.candidate,
        view=view,
        major=major,
        sort=sort,
        search=search,
        page_number=page_number,
        lang=lang,
        programme=programme,
    )
    audit_record(
        agency=viewer.agency,
        actor=viewer.user,
        action="opportunities.read",
        target=programme,
        data={"view": result.query.view.value, "results": result.total},
    )
    return result
