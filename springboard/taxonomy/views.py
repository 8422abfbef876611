"""Occupation search (with htmx suggestions), occupation and skill pages."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from springboard.lib.pagination import paginate, query_without_page
from springboard.taxonomy import access, selectors


def _lang() -> str:
    return selectors.reader_lang(get_language() or "")


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_GET
def occupation_search(request: HttpRequest, agency_slug: str) -> HttpResponse:
    access.require_browse(request)
    lang = _lang()
    search = request.GET.get("q", "")[: selectors.QUERY_MAX]
    page = selectors.shown_page(paginate(request, selectors.occupation_search(search, lang)), lang)
    context = {
        "page": page,
        "search": search,
        "query": query_without_page(request),
        "version": selectors.current_version(),
        "lang": lang,
    }
    if _htmx(request):
        return render(request, "taxonomy/occupation_search.html#results", context)
    return render(request, "taxonomy/occupation_search.html", context)


@require_GET
def occupation_suggest(request: HttpRequest, agency_slug: str) -> HttpResponse:
    access.require_browse(request)
    lang = _lang()
    search = request.GET.get("q", "")
    context = {
        "suggestions": selectors.occupation_suggestions(search, lang),
        "search": search,
        "long_enough": len(selectors.clean_query(search)) >= selectors.MIN_QUERY,
        "lang": lang,
    }
    return render(request, "taxonomy/occupation_search.html#suggestions", context)


@require_GET
def occupation_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    occupation = access.get_occupation(request, public_id)
    lang = _lang()
    context = {
        "view": selectors.occupation_view(occupation, lang),
        "version": selectors.current_version(),
        "lang": lang,
    }
    return render(request, "taxonomy/occupation_detail.html", context)


@require_GET
def skill_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    skill = access.get_skill(request, public_id)
    lang = _lang()
    page = selectors.needing_page(paginate(request, selectors.occupations_needing(skill)), lang)
    context = {
        "view": selectors.skill_view(skill, lang),
        "page": page,
        "query": query_without_page(request),
        "version": selectors.current_version(),
        "lang": lang,
    }
    return render(request, "taxonomy/skill_detail.html", context)
