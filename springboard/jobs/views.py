"""Pages of the jobs app: vacancies (list, detail, add, import), jobs for you, the candidate's
applications (board and list, stages, interviews with preparation, offers compared), and the
coach's read of a candidate's pipeline.

Who manages agency-wide vacancies: admins and coaches (Cap.VIEW_CASELOAD, which both hold: the
coach finds most vacancies for the people they coach). A candidate adds or imports vacancies of
their own, seen only by them and their coaches.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.accounts.middleware import mfa_exempt
from springboard.cvs.selectors import cv_versions_for, letter_versions_for
from springboard.jobs import access, selectors, services
from springboard.jobs.calendar import interview_ics
from springboard.jobs.forms import (
    ApplicationForm,
    DigestForm,
    InterviewForm,
    InterviewOutcomeForm,
    MoveForm,
    OfferForm,
    SavedSearchForm,
    TargetCompanyForm,
    VacancyFilterForm,
    VacancyForm,
    VacancyImportForm,
)
from springboard.jobs.mock_reads import mock_view, shared_mocks_of
from springboard.jobs.models import Application, Offer, Status
from springboard.jobs.preparation import KINDS, question_bank, star_stories
from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.privacy.services import audit_record
from springboard.taxonomy.selectors import reader_lang
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.middleware import tenant_public
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap

# The board's columns, in pipeline order.
BOARD = (Status.SAVED, Status.APPLIED, Status.INTERVIEWING, Status.OFFER, Status.ACCEPTED)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _vacancy_keeper(request: HttpRequest) -> tuple[Membership, Membership | None]:
    """(viewer, owner of what they add): a candidate keeps their own vacancies; admins and
    coaches keep the agency's (owner None); anyone else may not."""
    viewer = current_membership(request)
    if viewer.has(Cap.OWN_CANDIDATE_WORK):
        return viewer, viewer
    if viewer.has(Cap.VIEW_CASELOAD):
        return viewer, None
    raise PermissionDenied


# --- vacancies --------------------------------------------------------------------------------


@require_GET
def vacancies(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer, owner = _vacancy_keeper(request)
    filters = VacancyFilterForm(request.GET)
    criteria = filters.criteria()
    visible = selectors.vacancies_visible_to(viewer)
    page = paginate(
        request,
        selectors.vacancy_search(
            visible,
            query=criteria["query"],
            place=criteria["place"],
            sort=criteria["sort"],
            today=timezone.localdate(),
        ),
    )
    context = {
        "filters": filters,
        "page": page,
        "query": query_without_page(request),
        "total": visible.count(),
        "is_candidate": owner is not None,
    }
    if _is_htmx(request):
        return render(request, "jobs/vacancies.html#vacancy-table", context)
    return render(request, "jobs/vacancies.html", context)


@require_http_methods(["GET", "POST"])
def vacancy_add(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer, owner = _vacancy_keeper(request)
    form = VacancyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        vacancy = services.vacancy_create(agency=viewer.agency, owner=owner, posting=form.posting())
        messages.success(request, _("Vacancy added."))
        return redirect("jobs:vacancy", agency_slug=agency_slug, public_id=vacancy.public_id)
    return render(request, "jobs/vacancy_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def vacancy_import(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer, owner = _vacancy_keeper(request)
    form = VacancyImportForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        summary = services.vacancies_import(agency=viewer.agency, owner=owner, files=form.feeds())
        if summary.created or summary.updated:
            messages.success(
                request,
                _("Vacancies imported: %(created)s new, %(updated)s updated.")
                % {"created": summary.created, "updated": summary.updated},
            )
        form = VacancyImportForm()
    return render(request, "jobs/vacancy_import.html", {"form": form, "summary": summary})


@require_GET
def vacancy(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_vacancy(request, public_id)
    viewer = current_membership(request)
    application = None
    if viewer.has(Cap.OWN_CANDIDATE_WORK):
        application = Application.objects.filter(owner=viewer, vacancy=found).first()
    return render(
        request,
        "jobs/vacancy_detail.html",
        {
            "vacancy": found,
            "application": application,
            "can_save": viewer.has(Cap.OWN_CANDIDATE_WORK),
            "expired": found.valid_through is not None
            and found.valid_through < timezone.localdate(),
        },
    )


@require_POST
def vacancy_save(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_vacancy(request, public_id)
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    application = services.application_create(owner=viewer, vacancy=found)
    messages.success(request, _("Saved to your applications."))
    return redirect("jobs:application", agency_slug=agency_slug, public_id=application.public_id)


# --- jobs for you -----------------------------------------------------------------------------


@require_GET
def for_you(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    filters = VacancyFilterForm(request.GET)
    criteria = filters.criteria()
    today = timezone.localdate()
    fits = selectors.jobs_for_you(
        viewer,
        lang=reader_lang(get_language() or "en"),
        today=today,
        query=criteria["query"],
        place=criteria["place"],
    )
    saved = set(
        Application.objects.filter(owner=viewer, vacancy__isnull=False).values_list(
            "vacancy_id", flat=True
        )
    )
    return render(
        request,
        "jobs/for_you.html",
        {
            "filters": filters,
            "fits": fits,
            "saved": saved,
            "query": query_without_page(request),
            "save_form": SavedSearchForm(
                initial={"q": criteria["query"], "place": criteria["place"]}
            ),
        },
    )


# --- saved searches ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def searches(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The candidate's saved searches; POST saves one (from the form on "jobs for you")."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.saved_search_create(
                owner=viewer,
                name=data["name"],
                query=data["q"],
                place=data["place"],
                digest=data["digest"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Search saved."))
            return redirect("jobs:searches", agency_slug=agency_slug)
    saved = [
        (search, DigestForm(initial={"digest": search.digest}, prefix=str(search.public_id)))
        for search in selectors.saved_searches_of(viewer)
    ]
    return render(request, "jobs/searches.html", {"form": form, "saved": saved})


@require_POST
def search_digest(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    search = access.get_saved_search(request, public_id)
    form = DigestForm(request.POST, prefix=str(search.public_id))
    if form.is_valid():
        services.saved_search_set_digest(search=search, digest=form.cleaned_data["digest"])
        messages.success(request, _("E-mail setting saved."))
    else:
        messages.error(request, _("Choose how often to get an e-mail."))
    return redirect("jobs:searches", agency_slug=agency_slug)


@require_POST
def search_delete(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    services.saved_search_delete(search=access.get_saved_search(request, public_id))
    messages.success(request, _("Search deleted."))
    return redirect("jobs:searches", agency_slug=agency_slug)


@csrf_exempt  # RFC 8058: the mail client POSTs without a session; the signed token is the key
@login_not_required
@tenant_public
@mfa_exempt
@require_http_methods(["GET", "POST"])
def search_unsubscribe(request: HttpRequest, agency_slug: str, token: str) -> HttpResponse:
    """One click from the digest e-mail, without signing in: the digest is switched off (the
    search stays). POST answers mail clients' one-click unsubscribe (RFC 8058)."""
    search = access.get_saved_search_by_token(request.agency, token)  # type: ignore[attr-defined]
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Opened from the e-mail: the candidate's language, not the browser's guess.
        translation.activate(search.owner.language)
        request.LANGUAGE_CODE = search.owner.language
    services.saved_search_unsubscribe(search=search)
    return render(request, "jobs/search_unsubscribed.html", {"search": search})


# --- applications -----------------------------------------------------------------------------


@require_GET
def applications(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return render(request, "jobs/applications.html", _pipeline_context(request, viewer))


def _pipeline_context(request: HttpRequest, owner: Membership) -> dict[str, Any]:
    now = timezone.now()
    rows = list(selectors.applications_of(owner).order_by("-status_changed_at", "-pk")[:500])
    for row in rows:
        row.clock = selectors.clock_of(row, now=now)  # type: ignore[attr-defined]
    columns = [(status, [r for r in rows if r.status == status]) for status in BOARD]
    view = "list" if request.GET.get("view") == "list" else "board"
    return {
        "columns": columns,
        "rows": rows,
        "closed": [r for r in rows if r.status == Status.CLOSED],
        "view": view,
        "statuses": Status.choices,
        "health": selectors.pipeline_health(owner, today=timezone.localdate(now)),
    }


@require_http_methods(["GET", "POST"])
def application_add(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(owner=viewer, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Application added."))
            return redirect(
                "jobs:application", agency_slug=agency_slug, public_id=application.public_id
            )
    return render(request, "jobs/application_form.html", {"form": form})


def _move_form(application: Application, data: Any = None) -> MoveForm:
    owner = application.owner
    return MoveForm(
        data,
        cv_versions=cv_versions_for(owner),
        letter_versions=letter_versions_for(owner),
        initial={
            "status": application.status,
            "loss_reason": application.loss_reason,
            "follow_up_on": application.follow_up_on,
            "cv_version": application.cv_version_id,
            "letter_version": application.letter_version_id,
        },
    )


def _application_context(application: Application, **forms: Any) -> dict[str, Any]:
    return {
        "application": application,
        "clock": selectors.clock_of(application, now=timezone.now()),
        "stages": selectors.stages_of(application),
        "interviews": application.interviews.all(),
        "offers": application.offers.all(),
        "move_form": forms.get("move_form") or _move_form(application),
        "interview_form": forms.get("interview_form") or InterviewForm(),
        "offer_form": forms.get("offer_form") or OfferForm(),
    }


@require_GET
def application(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_application(request, public_id)
    return render(request, "jobs/application_detail.html", _application_context(found))


@require_POST
def application_move(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_application(request, public_id)
    form = _move_form(found, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_move(
                application=found,
                status=data["status"],
                loss_reason=data["loss_reason"] or "",
                follow_up_on=data["follow_up_on"],
                cv_version=data["cv_version"],
                letter_version=data["letter_version"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if _is_htmx(request) and request.POST.get("from") == "board":
                viewer = current_membership(request)
                context = _pipeline_context(request, viewer)
                return render(request, "jobs/applications.html#board", context)
            messages.success(request, _("Application updated."))
            if request.POST.get("from") == "board":
                return redirect("jobs:applications", agency_slug=agency_slug)
            return redirect("jobs:application", agency_slug=agency_slug, public_id=public_id)
    return render(
        request,
        "jobs/application_detail.html",
        _application_context(found, move_form=form),
        status=422 if _is_htmx(request) else 200,
    )


@require_POST
def interview_add(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_application(request, public_id)
    form = InterviewForm(request.POST)
    if form.is_valid():
        try:
            interview = services.interview_schedule(application=found, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Interview added."))
            return redirect(
                "jobs:interview", agency_slug=agency_slug, public_id=interview.public_id
            )
    return render(
        request, "jobs/application_detail.html", _application_context(found, interview_form=form)
    )


@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_interview(request, public_id)
    form = InterviewOutcomeForm(request.POST or None, initial={"outcome": found.outcome})
    if request.method == "POST" and form.is_valid():
        services.interview_record_outcome(interview=found, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("Outcome saved."))
        return redirect("jobs:interview", agency_slug=agency_slug, public_id=public_id)
    viewer = current_membership(request)
    bank = question_bank(get_language() or "en")
    return render(
        request,
        "jobs/interview.html",
        {
            "interview": found,
            "application": found.application,
            "form": form,
            "bank": [(KINDS[kind], questions) for kind, questions in bank.items()],
            "stories": star_stories(viewer),
            "mock_views": [
                mock_view(m, reader_lang(get_language() or "en"))
                for m in shared_mocks_of(viewer).filter(interview=found)
            ],
        },
    )


@require_GET
def interview_calendar(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_interview(request, public_id)
    response = HttpResponse(
        interview_ics(found, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="interview.ics"'
    return response


@require_POST
def offer_add(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    found = access.get_application(request, public_id)
    form = OfferForm(request.POST)
    if form.is_valid():
        services.offer_record(application=found, **form.cleaned_data)
        messages.success(request, _("Offer recorded."))
        return redirect("jobs:application", agency_slug=agency_slug, public_id=public_id)
    return render(
        request, "jobs/application_detail.html", _application_context(found, offer_form=form)
    )


@require_POST
def offer_accept(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    offer = access.get_offer(request, public_id)
    services.offer_accept(offer=offer, actor=current_membership(request))
    messages.success(
        request,
        _("Congratulations! The offer is accepted and proposed as your programme's outcome."),
    )
    return redirect(
        "jobs:application", agency_slug=agency_slug, public_id=offer.application.public_id
    )


@require_GET
def offers(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    compared = list(
        Offer.objects.filter(application__owner=viewer)
        .select_related("application")
        .order_by("-created_at", "-pk")[:12]
    )
    return render(request, "jobs/offers.html", {"offers": compared})


# --- target companies -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = TargetCompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_company_add(owner=viewer, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Company added to your targets."))
            return redirect("jobs:targets", agency_slug=agency_slug)
    return render(
        request,
        "jobs/targets.html",
        {"form": form, "targets": selectors.targets_of(viewer, today=timezone.localdate())},
    )


@require_POST
def target_remove(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    target = access.get_target(request, public_id)
    services.target_company_remove(target=target)
    messages.success(request, _("Company removed from your targets."))
    return redirect("jobs:targets", agency_slug=agency_slug)


# --- the coach's view -------------------------------------------------------------------------


@require_GET
def candidate_pipeline(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    candidate = access.get_candidate_for_review(request, public_id)
    viewer = current_membership(request)
    audit_record(
        agency=viewer.agency, actor=viewer.user, action="jobs.pipeline.read", target=candidate
    )
    context = _pipeline_context(request, candidate)
    context["candidate"] = candidate
    context["today"] = timezone.localdate()
    return render(request, "jobs/candidate_pipeline.html", context)
