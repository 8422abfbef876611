"""Pages of the assessments app.

The candidate's instruments, taking one a page at a time, results and history; the coach's
read of a coached candidate's answers and results (audited) and comments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.assessments import access, presenters, selectors, services
from springboard.assessments.content import our_title, text_in
from springboard.assessments.forms import CommentForm, EntryForm
from springboard.assessments.models import Attempt, InstrumentKind
from springboard.lib.errors import DomainError
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap


def _page_number(raw: str | None, attempt: Attempt) -> int:
    try:
        page = int(raw or 1)
    except ValueError:
        page = 1
    return min(max(page, 1), presenters.page_count(attempt.version))


def _first_open_page(attempt: Attempt) -> int:
    missing = services.missing_items(attempt)
    if not missing or attempt.version.instrument.kind == InstrumentKind.ENTRIES:
        return 1
    return (missing[0] - 1) // presenters.PAGE_SIZE + 1


def _sections(attempt: Attempt, lang: str) -> list[tuple[str, str]]:
    return [
        (section["key"], text_in(section.get("name"), lang))
        for section in attempt.version.content.get("sections", [])
    ]


def _take_context(
    request: HttpRequest, attempt: Attempt, page: int, lang: str, entry_form: EntryForm | None
) -> dict[str, Any]:
    total = len(attempt.version.items)
    return {
        "attempt": attempt,
        "page_number": page,
        "page_count": presenters.page_count(attempt.version),
        "items": presenters.page_items(attempt, page, lang),
        "answered": services.answered_count(attempt),
        "total": total,
        "missing": services.missing_items(attempt),
        "entry_form": entry_form or EntryForm(sections=_sections(attempt, lang)),
        "entry_sections": presenters.result_view(attempt, lang).sections,
        "comments": attempt.comments.select_related("author"),
    }


@require_GET
def instrument_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    lang = presenters.current_lang()
    rows = [
        (status, presenters.texts(status.version, lang)["title"])
        for status in selectors.instrument_statuses(viewer)
    ]
    pending = [(key, our_title(key, lang)) for key in selectors.pending_instrument_keys()]
    return render(request, "assessments/list.html", {"rows": rows, "pending": pending})


@require_http_methods(["GET", "POST"])
def instrument(request: HttpRequest, agency_slug: str, instrument: str) -> HttpResponse:
    found = access.get_instrument_or_pending(request, instrument, need=Cap.OWN_CANDIDATE_WORK)
    if found is None:
        # Shipped but not imported yet: a plan task may already link here. Say so (a start
        # attempt lands on the same explanation).
        if request.method == "POST":
            return redirect(
                "assessments:instrument", agency_slug=agency_slug, instrument=instrument
            )
        title = our_title(instrument, presenters.current_lang())
        return render(request, "assessments/unavailable.html", {"title": title})
    viewer = current_membership(request)
    if request.method == "POST":
        try:
            services.attempt_start(candidate=viewer, instrument=found)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("assessments:instrument", agency_slug=agency_slug, instrument=found.key)
    lang = presenters.current_lang()
    attempt = selectors.open_attempt(viewer, found)
    history = list(selectors.finished_attempts(viewer, found))
    latest = history[0] if history else None
    version = attempt.version if attempt else selectors.latest_version(found)
    assert version is not None
    context: dict[str, Any] = {
        "instrument": found,
        "texts": presenters.texts(version, lang),
        "attempt": attempt,
        "history": history,
        "latest": latest,
        "result": presenters.result_view(latest, lang) if latest else None,
        "latest_comments": latest.comments.select_related("author") if latest else [],
    }
    if attempt is not None:
        page = (
            _page_number(request.GET.get("page"), attempt)
            if "page" in request.GET
            else _first_open_page(attempt)
        )
        context.update(_take_context(request, attempt, page, lang, None))
    return render(request, "assessments/instrument.html", context)


def _page_answers(request: HttpRequest, attempt: Attempt, page: int) -> dict[str, Any]:
    """The answers posted for the items of one page; a Likert answer that is not a number is
    passed on as text so that the service refuses it with a message."""
    answers: dict[str, Any] = {}
    for item in presenters.page_items(attempt, page, "en"):
        raw = request.POST.get(f"item-{item.key}")
        if raw is None:
            continue
        if attempt.version.instrument.kind == InstrumentKind.LIKERT:
            if raw == "":
                continue
            answers[item.key] = (
                int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else raw
            )
        else:
            answers[item.key] = raw
    return answers


@require_POST
def save(request: HttpRequest, agency_slug: str, attempt_id: UUID) -> HttpResponse:
    """Save a page of answers; htmx saves on every change, the buttons move between pages."""
    attempt = access.get_own_attempt(request, attempt_id)
    key = attempt.version.instrument.key
    page = _page_number(request.POST.get("page"), attempt)
    error = ""
    try:
        attempt = services.attempt_save_answers(
            attempt=attempt, answers=_page_answers(request, attempt, page)
        )
    except DomainError as refused:
        error = refused.message
    if request.headers.get("HX-Request"):
        context = {
            "answered": services.answered_count(attempt),
            "total": len(attempt.version.items),
            "error": error,
        }
        return render(request, "assessments/instrument.html#save-status", context)
    if error:
        messages.error(request, error)
    go = request.POST.get("go", "")
    if go == "finish" and not error:
        try:
            services.attempt_finish(attempt=attempt, actor=current_membership(request))
        except DomainError as refused:
            messages.error(request, refused.message)
            page = _first_open_page(attempt)
        else:
            messages.success(request, _("Done. Here is your result."))
            return redirect(
                "assessments:result", agency_slug=agency_slug, attempt_id=attempt.public_id
            )
    elif go == "next":
        page += 1
    elif go == "prev":
        page -= 1
    url = reverse("assessments:instrument", kwargs={"agency_slug": agency_slug, "instrument": key})
    return redirect(f"{url}?page={max(page, 1)}")


@require_POST
def entries(request: HttpRequest, agency_slug: str, attempt_id: UUID) -> HttpResponse:
    """Add or remove a strength or weakness."""
    attempt = access.get_own_attempt(request, attempt_id)
    key = attempt.version.instrument.key
    lang = presenters.current_lang()
    if attempt.version.instrument.kind != InstrumentKind.ENTRIES:
        messages.error(request, _("This questionnaire has no lists."))
        return redirect("assessments:instrument", agency_slug=agency_slug, instrument=key)
    try:
        if request.POST.get("action") == "remove":
            index = request.POST.get("index", "")
            services.attempt_entry_remove(
                attempt=attempt,
                section=request.POST.get("section", ""),
                index=int(index) if index.isascii() and index.isdigit() and len(index) < 4 else -1,
            )
        else:
            form = EntryForm(request.POST, sections=_sections(attempt, lang))
            if not form.is_valid():
                context = {
                    "instrument": attempt.version.instrument,
                    "texts": presenters.texts(attempt.version, lang),
                    "attempt": attempt,
                    "history": list(
                        selectors.finished_attempts(attempt.candidate, attempt.version.instrument)
                    ),
                    **_take_context(request, attempt, 1, lang, form),
                }
                return render(request, "assessments/instrument.html", context, status=400)
            services.attempt_entry_add(attempt=attempt, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("assessments:instrument", agency_slug=agency_slug, instrument=key)


@require_GET
def result(request: HttpRequest, agency_slug: str, attempt_id: UUID) -> HttpResponse:
    attempt = access.get_own_attempt(request, attempt_id)
    if not attempt.is_complete:
        return redirect(
            "assessments:instrument",
            agency_slug=agency_slug,
            instrument=attempt.version.instrument.key,
        )
    lang = presenters.current_lang()
    context = {
        "attempt": attempt,
        "instrument": attempt.version.instrument,
        "texts": presenters.texts(attempt.version, lang),
        "result": presenters.result_view(attempt, lang),
        "comments": attempt.comments.select_related("author"),
    }
    return render(request, "assessments/result.html", context)


@require_GET
def coach_results(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_coached_programme(request, public_id)
    viewer = current_membership(request)
    lang = presenters.current_lang()
    attempts = selectors.audited_attempts(viewer=viewer, candidate=programme.candidate)
    rows = [
        (
            attempt,
            presenters.texts(attempt.version, lang)["title"],
            services.answered_count(attempt),
            len(attempt.version.items),
        )
        for attempt in attempts
    ]
    return render(request, "assessments/coach_results.html", {"programme": programme, "rows": rows})


@require_GET
def coach_attempt(
    request: HttpRequest, agency_slug: str, public_id: UUID, attempt_id: UUID
) -> HttpResponse:
    programme, attempt = access.get_coached_attempt(request, public_id, attempt_id)
    return _coach_attempt_page(request, programme, attempt, CommentForm())


def _coach_attempt_page(
    request: HttpRequest, programme: Any, attempt: Attempt, form: CommentForm, status: int = 200
) -> HttpResponse:
    viewer = current_membership(request)
    selectors.audited_attempt(viewer=viewer, attempt=attempt)
    lang = presenters.current_lang()
    context = {
        "programme": programme,
        "attempt": attempt,
        "texts": presenters.texts(attempt.version, lang),
        "result": presenters.result_view(attempt, lang),
        "comments": attempt.comments.select_related("author"),
        "can_comment": attempt.version.instrument.kind != InstrumentKind.LIKERT,
        "form": form,
    }
    return render(request, "assessments/coach_attempt.html", context, status=status)


@require_POST
def comment(
    request: HttpRequest, agency_slug: str, public_id: UUID, attempt_id: UUID
) -> HttpResponse:
    programme, attempt = access.get_coached_attempt(request, public_id, attempt_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                attempt=attempt, author=current_membership(request), text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Comment added."))
            return redirect(
                "assessments:coach_attempt",
                agency_slug=agency_slug,
                public_id=programme.public_id,
                attempt_id=attempt.public_id,
            )
    return _coach_attempt_page(request, programme, attempt, form, status=400)
