"""Pages of erasure: the agency's privacy settings, the admin's erasure requests (carry out with
a confirmation, or refuse with a reason), and the candidate's own request."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.privacy.erasure import selectors, services
from springboard.privacy.erasure.access import MANAGE_PRIVACY, REQUEST_ERASURE, get_request
from springboard.privacy.erasure.forms import (
    EraseConfirmForm,
    PrivacySettingsForm,
    RefuseForm,
    RequestErasureForm,
)
from springboard.privacy.erasure.retention import settings_of
from springboard.privacy.models.erasure import ErasureRequest, ErasureStatus
from springboard.tenancy.access import current_membership, require


@require_http_methods(["GET", "POST"])
def privacy_settings(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, MANAGE_PRIVACY)
    form = PrivacySettingsForm(request.POST or None, settings=settings_of(viewer.agency))
    if request.method == "POST" and form.is_valid():
        services.privacy_settings_save(
            agency=viewer.agency,
            actor=viewer.user,
            alumni_months=form.cleaned_data["alumni_months"],
            retention_days=form.retention(),
        )
        messages.success(request, _("Privacy settings saved."))
        return redirect("erasure:settings", agency_slug=agency_slug)
    return render(request, "privacy/erasure/settings.html", {"form": form})


_STATUS_TABS = (
    (ErasureStatus.OPEN, ErasureStatus.OPEN.label),
    (ErasureStatus.DONE, ErasureStatus.DONE.label),
    (ErasureStatus.REFUSED, ErasureStatus.REFUSED.label),
)


@require_http_methods(["GET"])
def requests(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, MANAGE_PRIVACY)
    status = request.GET.get("status", ErasureStatus.OPEN)
    if status not in ErasureStatus.values:
        status = ErasureStatus.OPEN
    page = paginate(request, selectors.erasure_requests(viewer.agency, status=status))
    return render(
        request,
        "privacy/erasure/requests.html",
        {
            "page": page,
            "status": status,
            "tabs": _STATUS_TABS,
            "query": query_without_page(request),
        },
    )


def _detail(
    request: HttpRequest,
    erasure_request: ErasureRequest,
    *,
    confirm: EraseConfirmForm | None = None,
    refuse: RefuseForm | None = None,
) -> HttpResponse:
    is_open = erasure_request.status == ErasureStatus.OPEN
    return render(
        request,
        "privacy/erasure/request_detail.html",
        {
            "erasure_request": erasure_request,
            "preview": selectors.erasure_preview(erasure_request.membership) if is_open else [],
            "confirm_form": confirm or EraseConfirmForm(),
            "refuse_form": refuse or RefuseForm(),
        },
    )


@require_http_methods(["GET"])
def request_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    return _detail(request, get_request(request, public_id))


@require_POST
def request_erase(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    erasure_request = get_request(request, public_id)
    form = EraseConfirmForm(request.POST)
    if not form.is_valid():
        return _detail(request, erasure_request, confirm=form)
    try:
        erasure = services.erase_person(
            erasure_request.membership,
            actor=current_membership(request).user,
            request=erasure_request,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("erasure:request_detail", agency_slug=agency_slug, public_id=public_id)
    messages.success(
        request,
        _("The person's data is erased. Records: %(rows)s; files: %(files)s.")
        % {"rows": erasure.total, "files": len(erasure.files)},
    )
    return redirect("erasure:requests", agency_slug=agency_slug)


@require_POST
def request_refuse(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    erasure_request = get_request(request, public_id)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _detail(request, erasure_request, refuse=form)
    try:
        services.erasure_request_refuse(
            request=erasure_request,
            actor=current_membership(request).user,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("erasure:request_detail", agency_slug=agency_slug, public_id=public_id)
    messages.success(request, _("The request is refused; the person is told why by e-mail."))
    return redirect("erasure:requests", agency_slug=agency_slug)


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The candidate asks for their data to be erased, and sees what became of their requests."""
    viewer = require(request, REQUEST_ERASURE)
    form = RequestErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.erasure_request_create(membership=viewer, actor=viewer.user)
        messages.success(request, _("Your request is sent. The agency answers it within 30 days."))
        return redirect("erasure:mine", agency_slug=agency_slug)
    history = selectors.requests_of(viewer)
    return render(
        request,
        "privacy/erasure/mine.html",
        {
            "form": form,
            "history": history,
            "open_request": next((r for r in history if r.status == ErasureStatus.OPEN), None),
        },
    )
