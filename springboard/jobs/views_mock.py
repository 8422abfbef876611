"""Pages of mock interviews: the coach's list per candidate (with a new mock interview), the
scoring form (until shared; read-only after), sharing; the candidate's shared mock interviews
with their progress, and one read-only.

A coach's read of a candidate's mock interviews is audited, like their read of the pipeline;
the candidate reads their own data (no audit)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.jobs import access
from springboard.jobs.access_mock import get_mock_for_coach, get_shared_mock
from springboard.jobs.forms_mock import MockCreateForm, MockScoreForm
from springboard.jobs.mock_reads import (
    MAX_LISTED,
    mock_view,
    mocks_for_coach,
    progress,
    shared_mocks_of,
)
from springboard.jobs.models import Interview, MockInterview
from springboard.jobs.services.mock_interviews import (
    mock_interview_create,
    mock_interview_score,
    mock_interview_share,
)
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.taxonomy.selectors import reader_lang
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap


def _lang() -> str:
    return reader_lang(get_language() or "en")


def _audit_read(viewer: Membership, target: MockInterview | Membership) -> None:
    audit_record(agency=viewer.agency, actor=viewer.user, action="jobs.mock.read", target=target)


# --- the candidate ----------------------------------------------------------------------------


@require_GET
def mock_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    mocks = list(shared_mocks_of(viewer)[:MAX_LISTED])
    return render(
        request, "jobs/mock/list.html", {"progress": progress(mocks, _lang()), "active": "mock"}
    )


@require_GET
def mock_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    mock = get_shared_mock(request, public_id)
    return render(request, "jobs/mock/detail.html", {"view": mock_view(mock, _lang())})


# --- the coach --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mock_coach_list(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    candidate = access.get_candidate_for_review(request, public_id)
    viewer = current_membership(request)
    interviews = Interview.objects.filter(application__owner=candidate).select_related(
        "application"
    )
    form = MockCreateForm(
        request.POST or None,
        interviews=interviews,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            mock = mock_interview_create(
                coach=viewer,
                candidate=candidate,
                held_on=form.cleaned_data["held_on"],
                interview=form.cleaned_data["interview"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Mock interview added. Score it below."))
            return redirect("jobs:mock_score", agency_slug=agency_slug, public_id=mock.public_id)
    _audit_read(viewer, candidate)
    mocks = list(mocks_for_coach(viewer, candidate)[:MAX_LISTED])
    return render(
        request,
        "jobs/mock/coach_list.html",
        {
            "candidate": candidate,
            "form": form,
            "progress": progress([m for m in mocks if m.shared_at], _lang()),
            "views": [mock_view(m, _lang()) for m in reversed(mocks)],
        },
    )


@require_http_methods(["GET", "POST"])
def mock_score(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    mock = get_mock_for_coach(request, public_id)
    viewer = current_membership(request)
    view = mock_view(mock, _lang())
    if mock.shared_at is not None:
        _audit_read(viewer, mock)
        return render(request, "jobs/mock/detail.html", {"view": view, "candidate": mock.candidate})
    form = MockScoreForm(request.POST or None, view=view)
    if request.method == "POST" and form.is_valid():
        try:
            mock_interview_score(
                mock=mock,
                coach=viewer,
                scores=form.scores(),
                overall_note=form.cleaned_data["overall_note"],
                practise=form.practise(),
            )
            if "share" in request.POST:
                mock_interview_share(mock=mock, coach=viewer)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if "share" in request.POST:
                messages.success(request, _("Shared: the candidate can now see the scores."))
            else:
                messages.success(request, _("Scores saved. Share them when you are done."))
            return redirect("jobs:mock_score", agency_slug=agency_slug, public_id=public_id)
    return render(
        request,
        "jobs/mock/score.html",
        {"view": view, "form": form, "candidate": mock.candidate},
    )


@require_POST
def mock_share(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    mock = get_mock_for_coach(request, public_id)
    try:
        mock_interview_share(mock=mock, coach=current_membership(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Shared: the candidate can now see the scores."))
    return redirect("jobs:mock_score", agency_slug=agency_slug, public_id=public_id)
