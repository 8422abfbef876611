"""Pages of the outcomes app: recording and confirming an outcome, the aftercare check-in page
(no sign-in: the link is the key), the employer report (page, CSV, PDF) and the dashboard."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from springboard.accounts.middleware import mfa_exempt
from springboard.lib.dates import EARLIEST_DATE
from springboard.lib.errors import DomainError
from springboard.outcomes import access, charts, exports, selectors, services
from springboard.outcomes.forms import (
    CheckInAnswerForm,
    InvoicingPeriodForm,
    OutcomeForm,
    PeriodForm,
)
from springboard.outcomes.invoicing import InvoiceLine, invoicing_basis, invoicing_csv
from springboard.outcomes.models import Outcome, OutcomeKind
from springboard.outcomes.reporting import OutcomeReport, employer_outcome_report
from springboard.privacy.services import audit_record
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.middleware import tenant_public
from springboard.tenancy.roles import Cap


def _initial(outcome: Outcome | None) -> dict[str, object]:
    if outcome is None:
        return {}
    yes_no = {True: "yes", False: "no", None: ""}
    return {
        "kind": outcome.kind,
        "start_date": outcome.start_date,
        "employer_name": outcome.employer_name,
        "occupation": outcome.occupation.uri if outcome.occupation else "",
        "same_occupation": yes_no[outcome.same_occupation],
        "contract": outcome.contract,
        "hours_per_week": outcome.hours_per_week,
        "pay_compared": outcome.pay_compared,
        "found_via": outcome.found_via,
        "note": outcome.note,
    }


@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """A coach (of this candidate) or an admin records the outcome; the candidate confirms."""
    programme = access.get_programme(request, public_id, need=Cap.CHANGE_PROGRAMME_STATUS)
    viewer = current_membership(request)
    outcome = selectors.outcome_of(programme)
    form = OutcomeForm(request.POST or None, initial=_initial(outcome))
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(programme=programme, actor=viewer, details=form.details())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Outcome saved. The candidate is asked to confirm it."))
            return redirect("outcomes:outcome_edit", agency_slug=agency_slug, public_id=public_id)
    if request.method == "GET" and outcome is not None:
        audit_record(
            agency=viewer.agency, actor=viewer.user, action="outcome.view", target=programme
        )
    return render(
        request,
        "outcomes/outcome_edit.html",
        {
            "programme": programme,
            "outcome": outcome,
            "form": form,
            "checkins": selectors.checkins_of(programme),
        },
    )


@require_http_methods(["GET", "POST"])
def outcome_confirm(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """The candidate's view of their outcome, and their confirmation of it."""
    programme = access.get_programme(request, public_id, need=Cap.VIEW_OWN_PROGRAMME)
    viewer = current_membership(request)
    outcome = selectors.outcome_of(programme)
    if request.method == "POST":
        if outcome is None:
            raise Http404
        try:
            services.outcome_confirm(outcome=outcome, candidate=viewer)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. Your outcome is confirmed."))
        return redirect("outcomes:outcome_confirm", agency_slug=agency_slug, public_id=public_id)
    return render(
        request,
        "outcomes/outcome_confirm.html",
        {"programme": programme, "outcome": outcome, "checkins": selectors.checkins_of(programme)},
    )


@login_not_required
@tenant_public
@mfa_exempt
@require_http_methods(["GET", "POST"])
def checkin_answer(request: HttpRequest, agency_slug: str, token: str) -> HttpResponse:
    """The aftercare check-in from the e-mailed link: no sign-in, in the candidate's language,
    answered once, until the link expires."""
    checkin = access.get_checkin(request.agency, token)  # type: ignore[attr-defined]
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Opened from the e-mail: the candidate's language, not the browser's guess. A language
        # chosen on this device (the cookie of the language menu) still wins.
        translation.activate(checkin.programme.language)
        request.LANGUAGE_CODE = checkin.programme.language
    context: dict[str, object] = {"checkin": checkin, "agency": checkin.programme.agency}
    closed = checkin.answered_at is not None or checkin.expires_on < timezone.localdate()
    if closed:
        return render(request, "outcomes/checkin_closed.html", context, status=410)
    form = CheckInAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_answer(checkin=checkin, **form.answers())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "outcomes/checkin_thanks.html", context)
    context["form"] = form
    return render(request, "outcomes/checkin_answer.html", context)


def _employer_reports(request: HttpRequest) -> tuple[list[OutcomeReport], str]:
    viewer = require(request, Cap.VIEW_EMPLOYER_AGGREGATES)
    employer = viewer.employer.name if viewer.employer else ""
    return employer_outcome_report(viewer), employer


@require_GET
def employer_report(request: HttpRequest, agency_slug: str) -> HttpResponse:
    reports, employer = _employer_reports(request)
    return render(
        request,
        "outcomes/employer_report.html",
        {
            "reports": reports,
            "employer": employer,
            "charts": [charts.outcome_chart(report) for report in reports],
            "hidden_label": exports.hidden_label(),
            "hidden_note": exports.hidden_note(),
        },
    )


@require_GET
def employer_report_csv(request: HttpRequest, agency_slug: str) -> HttpResponse:
    reports, _employer = _employer_reports(request)
    response = HttpResponse(exports.report_csv(reports), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outplacement-report.csv"'
    return response


@require_GET
def employer_report_pdf(request: HttpRequest, agency_slug: str) -> HttpResponse:
    reports, employer = _employer_reports(request)
    viewer = current_membership(request)
    pdf = exports.report_pdf(reports, employer=employer, agency=viewer.agency.name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="outplacement-report.pdf"'
    return response


@require_GET
def dashboard(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Admins: the agency's programmes; coaches: their own caseload. Outcomes, time to
    placement, the risk lists (missing outcomes, overdue aftercare), filtered by start period."""
    viewer = require(request, Cap.VIEW_CASELOAD)
    period = PeriodForm(request.GET or None)
    criteria = period.cleaned_data if period.is_valid() else {}
    board = selectors.dashboard(
        viewer,
        today=timezone.localdate(),
        start_from=criteria.get("start_from"),
        start_to=criteria.get("start_to"),
    )
    audit_record(
        agency=viewer.agency,
        actor=viewer.user,
        action="outcomes.dashboard_view",
        data={"risk_list": board.missing_outcomes_count + board.overdue_checkins_count},
    )
    mix = [(kind.value, kind.label, board.overall.by_kind[kind.value]) for kind in OutcomeKind]
    context: dict[str, object] = {"board": board, "period": period, "mix": mix}
    if viewer.has(Cap.MANAGE_PROGRAMMES):
        # Budget use of the agency over the period, from the invoicing basis.
        lines = invoicing_basis(
            viewer.agency,
            day_from=criteria.get("start_from") or EARLIEST_DATE,
            day_to=criteria.get("start_to") or timezone.localdate(),
        )
        context["budget"] = {
            "spent": sum((line.budget_spent for line in lines), Decimal(0)),
            "hours": sum((line.coaching_hours for line in lines), Decimal(0)),
            "seats": sum(line.workshop_seats for line in lines),
        }
    return render(request, "outcomes/dashboard.html", context)


def _invoicing(request: HttpRequest) -> tuple[InvoicingPeriodForm, list[InvoiceLine] | None]:
    viewer = require(request, Cap.MANAGE_PROGRAMMES)
    today = timezone.localdate()
    period = InvoicingPeriodForm(
        request.GET if request.GET else {"day_from": today.replace(day=1), "day_to": today}
    )
    if not period.is_valid():
        return period, None
    data = period.cleaned_data
    return period, invoicing_basis(viewer.agency, day_from=data["day_from"], day_to=data["day_to"])


@require_GET
def invoicing(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The invoicing basis per engagement for a period (admins): what the agency bills from."""
    period, lines = _invoicing(request)
    return render(
        request,
        "outcomes/invoicing.html",
        {"period": period, "lines": lines, "query": request.GET.urlencode()},
    )


@require_GET
def invoicing_download(request: HttpRequest, agency_slug: str) -> HttpResponse:
    period, lines = _invoicing(request)
    if lines is None:
        return render(
            request,
            "outcomes/invoicing.html",
            {"period": period, "lines": None, "query": ""},
            status=400,
        )
    data = period.cleaned_data
    text = invoicing_csv(lines, day_from=data["day_from"], day_to=data["day_to"])
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invoicing-basis.csv"'
    return response
