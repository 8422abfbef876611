"""Pages of the opportunities app: the candidate's list, the coach's view of it, and turning a
missing skill into a plan task (htmx: the answer replaces the skill's button)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from springboard.lib.errors import DomainError
from springboard.lib.pagination import query_without_page
from springboard.opportunities import access, selectors, services
from springboard.opportunities.forms import OpportunityFilterForm, TrainingNeedForm
from springboard.opportunities.selectors import Opportunities
from springboard.programmes.models import Programme
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.programmes.tools import tool_url
from springboard.taxonomy.models import Occupation, Skill
from springboard.taxonomy.selectors import reader_lang, shown
from springboard.tenancy.access import current_membership

TOOL_KEY = "opportunities"


def _lang(request: HttpRequest) -> str:
    return reader_lang(getattr(request, "LANGUAGE_CODE", "") or "")


def _filters(request: HttpRequest) -> OpportunityFilterForm:
    return OpportunityFilterForm(
        request.GET, majors=selectors.isco_major_groups(), lang=_lang(request)
    )


def _context(
    request: HttpRequest, filters: OpportunityFilterForm, result: Opportunities
) -> dict[str, Any]:
    lang = _lang(request)
    return {
        "filters": filters,
        "result": result,
        "page": result.page,
        "query": query_without_page(request),
        "home_occupations": [shown(o, lang) for o in result.inputs.home_occupations],
        "view": result.query.view.value,
        "list_url": request.path,
        "lang": lang,
    }


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "opportunities/_results.html#results", context)
    return render(request, template, context)


@require_GET
def opportunity_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = access.get_candidate(request)
    filters = _filters(request)
    criteria = filters.criteria()
    result = selectors.opportunities(
        viewer,
        view=criteria.view,
        major=criteria.major,
        sort=criteria.sort,
        search=criteria.search,
        page_number=request.GET.get("page"),
        lang=_lang(request),
    )
    if result.total:
        # Seeing occupations that fit is the work a plan task "open your opportunities" asks.
        plan_tasks_complete_for_tool(candidate=viewer, tool=TOOL_KEY, actor=viewer)
    context = _context(request, filters, result)
    context["profile_url"] = tool_url("competence-profile", agency_slug)
    context["interests_url"] = tool_url("interest-profiler", agency_slug)
    return _render(request, "opportunities/list.html", context)


@require_GET
def coach_view(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_coached_programme(request, public_id)
    filters = _filters(request)
    criteria = filters.criteria()
    result = selectors.opportunities_for_coach(
        programme,
        current_membership(request),
        view=criteria.view,
        major=criteria.major,
        sort=criteria.sort,
        search=criteria.search,
        page_number=request.GET.get("page"),
        lang=_lang(request),
    )
    context = _context(request, filters, result)
    context.update({"programme": programme, "coach": True})
    return _render(request, "opportunities/coach.html", context)


def _training_need_response(
    request: HttpRequest,
    programme: Programme,
    *,
    error: str = "",
    created: bool = False,
) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # The answer replaces the skill's button, whatever happened.
        context = {
            "programme": programme,
            "error": error,
            "created": created,
        }
        return render(request, "opportunities/_results.html#training-need", context)
    if error:
        messages.error(request, error)
    elif created:
        messages.success(request, _("Added to the plan as a task."))
    else:
        messages.info(request, _("This skill is already a task in the plan."))
    return redirect(
        "opportunities:coach", agency_slug=programme.agency.slug, public_id=programme.public_id
    )


@require_POST
def training_need(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_coached_programme(request, public_id)
    form = TrainingNeedForm(request.POST)
    skill = None
    if form.is_valid():
        skill = Skill.objects.filter(public_id=form.cleaned_data["skill"]).first()
    if skill is None:
        return _training_need_response(request, programme, error=_("Choose a skill from the list."))
    occupation_id = form.cleaned_data.get("occupation")
    occupation = (
        Occupation.objects.filter(public_id=occupation_id).first() if occupation_id else None
    )
    try:
        outcome = services.training_need_add(
            programme=programme,
            actor=current_membership(request),
            skill=skill,
            occupation=occupation,
        )
    except DomainError as failure:
        return _training_need_response(request, programme, error=failure.message)
    return _training_need_response(request, programme, created=outcome.created)
