from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.employers import access, services
from springboard.employers.consents import employer_may_see_status
from springboard.employers.forms import (
    ChecklistFormSet,
    CohortForm,
    ColumnMappingForm,
    EmployerForm,
    EngagementForm,
    EnrolForm,
    ImportUploadForm,
)
from springboard.employers.importing.fields import FIELDS
from springboard.employers.importing.report import error_report_csv
from springboard.employers.invitation_sheet import SheetEntry, invitation_sheet_pdf
from springboard.employers.models import ChecklistOwner, ImportStatus
from springboard.employers.selectors import (
    checklist_items_of,
    cohort_tasks,
    cohorts_of,
    employers_of,
    engagements_of,
    enrolments_of,
    imports_of,
)
from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.privacy.services import audit_record
from springboard.tenancy import access as tenancy_access
from springboard.tenancy import services as tenancy_services
from springboard.tenancy.roles import Cap, Role


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_GET
def employer_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = tenancy_access.require(request, Cap.MANAGE_EMPLOYERS)
    search = request.GET.get("q", "")[:100]
    page = paginate(request, employers_of(membership.agency, search=search))
    context = {"page": page, "search": search, "query": query_without_page(request)}
    if _htmx(request):
        return render(request, "employers/employer_list.html#employer-table", context)
    return render(request, "employers/employer_list.html", context)


@require_http_methods(["GET", "POST"])
def employer_create(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = tenancy_access.require(request, Cap.MANAGE_EMPLOYERS)
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = tenancy_services.employer_save(
                agency=membership.agency, actor=membership, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Employer created."))
            return redirect(
                "employers:employer_detail", agency_slug=agency_slug, public_id=employer.public_id
            )
    return render(request, "employers/employer_form.html", {"form": form})


@require_GET
def employer_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    employer = access.get_employer(request, public_id, need=Cap.MANAGE_EMPLOYERS)
    contacts = employer.contacts.select_related("user").filter(role=Role.EMPLOYER_CONTACT)
    return render(
        request,
        "employers/employer_detail.html",
        {"employer": employer, "engagements": engagements_of(employer), "contacts": contacts},
    )


@require_http_methods(["GET", "POST"])
def employer_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    employer = access.get_employer(request, public_id, need=Cap.MANAGE_EMPLOYERS)
    membership = tenancy_access.current_membership(request)
    initial = {"name": employer.name, "registration_number": employer.registration_number}
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tenancy_services.employer_save(
                agency=membership.agency, actor=membership, employer=employer, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Employer saved."))
            return redirect(
                "employers:employer_detail", agency_slug=agency_slug, public_id=public_id
            )
    return render(request, "employers/employer_form.html", {"form": form, "employer": employer})


def _engagement_form_view(
    request: HttpRequest, agency_slug: str, employer: Any, engagement: Any = None
) -> HttpResponse:
    membership = tenancy_access.current_membership(request)
    initial = (
        {
            "name": engagement.name,
            "start_date": engagement.start_date,
            "duration_months": engagement.duration_months,
            "budget_amount": engagement.budget_amount,
            "budget_currency": engagement.budget_currency,
            "reporting_level": engagement.reporting_level,
            "contacts": list(engagement.contacts.all()),
        }
        if engagement
        else None
    )
    form = EngagementForm(request.POST or None, initial=initial, employer=employer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.engagement_save(
                employer=employer,
                actor=membership,
                engagement=engagement,
                name=data["name"],
                start_date=data["start_date"],
                duration_months=data["duration_months"],
                budget_amount=data["budget_amount"],
                budget_currency=data["budget_currency"],
                reporting_level=data["reporting_level"],
                contacts=list(data["contacts"]),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Engagement saved."))
            return redirect(
                "employers:engagement_detail", agency_slug=agency_slug, public_id=saved.public_id
            )
    return render(
        request,
        "employers/engagement_form.html",
        {"form": form, "employer": employer, "engagement": engagement},
    )


@require_http_methods(["GET", "POST"])
def engagement_create(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    employer = access.get_employer(request, public_id, need=Cap.MANAGE_EMPLOYERS)
    return _engagement_form_view(request, agency_slug, employer)


@require_http_methods(["GET", "POST"])
def engagement_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    engagement = access.get_engagement(request, public_id, need=Cap.MANAGE_EMPLOYERS)
    return _engagement_form_view(request, agency_slug, engagement.employer, engagement)


@require_GET
def engagement_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    engagement = access.get_engagement(request, public_id, need=Cap.MANAGE_EMPLOYERS)
    search = request.GET.get("q", "")[:100]
    page = paginate(request, enrolments_of(engagement, search=search))
    context = {
        "engagement": engagement,
        "cohorts": cohorts_of(engagement),
        "imports": imports_of(engagement)[:10],
        "contacts": engagement.contacts.select_related("user"),
        "page": page,
        "search": search,
        "query": query_without_page(request),
    }
    if _htmx(request):
        return render(request, "employers/engagement_detail.html#enrolment-table", context)
    return render(request, "employers/engagement_detail.html", context)


@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    engagement = access.get_engagement(request, public_id, need=Cap.MANAGE_EMPLOYERS)
    membership = tenancy_access.current_membership(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                engagement=engagement, actor=membership, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Cohort created with its preparation checklist."))
            return redirect(
                "employers:cohort_detail", agency_slug=agency_slug, public_id=cohort.public_id
            )
    return render(request, "employers/cohort_form.html", {"form": form, "engagement": engagement})


@require_GET
def cohort_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """The cohort page: an admin's (checklist and people), or an employer contact's (the
    checklist only, with the employer's steps to tick; no names)."""
    cohort = access.get_checklist_cohort(request, public_id)
    viewer = tenancy_access.current_membership(request)
    manage = viewer.has(Cap.MANAGE_EMPLOYERS)
    context: dict[str, Any] = {
        "cohort": cohort,
        "engagement": cohort.engagement,
        "tasks": cohort_tasks(cohort),
        "can_manage": manage,
        "can_start_programmes": viewer.has(Cap.MANAGE_PROGRAMMES),
    }
    if not manage:
        return render(request, "employers/cohort_checklist.html", context)
    search = request.GET.get("q", "")[:100]
    context.update(
        page=paginate(request, enrolments_of(cohort.engagement, cohort=cohort, search=search)),
        search=search,
        query=query_without_page(request),
    )
    if _htmx(request):
        return render(request, "employers/cohort_detail.html#enrolment-table", context)
    return render(request, "employers/cohort_detail.html", context)


@require_POST
def cohort_task_toggle(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    task = access.get_checklist_task(request, public_id)
    viewer = tenancy_access.current_membership(request)
    task = services.cohort_task_set_done(
        task=task, actor=viewer, done=request.POST.get("done") == "1"
    )
    if _htmx(request):
        return render(
            request,
            "employers/cohort_detail.html#task-row",
            {"task": task, "can_manage": viewer.has(Cap.MANAGE_EMPLOYERS)},
        )
    return redirect(
        "employers:cohort_detail", agency_slug=agency_slug, public_id=task.cohort.public_id
    )


@require_GET
def contact_cohorts(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """An employer contact's cohorts with their preparation checklists' progress."""
    cohorts = access.own_cohorts(request).annotate(
        steps=Count("tasks"),
        steps_done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
        employer_steps_open=Count(
            "tasks",
            filter=Q(tasks__owner_side=ChecklistOwner.EMPLOYER, tasks__done_at__isnull=True),
        ),
    )
    return render(
        request,
        "employers/contact_cohorts.html",
        {"cohorts": cohorts.order_by("notice_date", "name")},
    )


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    engagement = access.get_engagement(request, public_id, need=Cap.ENROL_CANDIDATES)
    membership = tenancy_access.current_membership(request)
    form = EnrolForm(
        request.POST or None, engagement=engagement, initial={"language": request.LANGUAGE_CODE}
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "cohort"}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        try:
            enrolment = services.candidate_enrol(
                engagement=engagement,
                cohort=form.cleaned_data["cohort"],
                actor=membership,
                values=values,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if enrolment.candidate.joined_at is not None:
                message = _(
                    "%(name)s is enrolled. They already use Springboard with this agency, so no "
                    "invitation is needed."
                )
            else:
                message = _(
                    "%(name)s is enrolled and has an invitation: it is e-mailed to them, and you "
                    "can print it from the engagement page."
                )
            messages.success(request, message % {"name": enrolment.candidate.display_name})
            return redirect(
                "employers:engagement_detail", agency_slug=agency_slug, public_id=public_id
            )
    return render(request, "employers/enrol_form.html", {"form": form, "engagement": engagement})


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    engagement = access.get_engagement(request, public_id, need=Cap.ENROL_CANDIDATES)
    membership = tenancy_access.current_membership(request)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        engagement=engagement,
        initial={"default_language": request.LANGUAGE_CODE, "cohort": request.GET.get("cohort")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Only cheap checks here; a task reads the rows and the import page shows it working.
            created = services.enrolment_import_receive(
                engagement=engagement,
                cohort=form.cleaned_data["cohort"],
                actor=membership,
                file_name=upload.name,
                content=upload.read(),
                default_language=form.cleaned_data["default_language"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(
                "employers:import_detail", agency_slug=agency_slug, public_id=created.public_id
            )
    return render(request, "employers/import_upload.html", {"form": form, "engagement": engagement})


@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    upload = access.get_import(request, public_id, need=Cap.ENROL_CANDIDATES)
    membership = tenancy_access.current_membership(request)
    mapping_initial = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
    form = ColumnMappingForm(request.POST or None, headers=upload.headers, initial=mapping_initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_import_check(
                upload=upload, actor=membership, mapping=form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("employers:import_detail", agency_slug=agency_slug, public_id=public_id)
    context = {
        "upload": upload,
        "form": form,
        "fields": FIELDS,
        "running": upload.status
        in {ImportStatus.READING, ImportStatus.VALIDATING, ImportStatus.IMPORTING},
        "errors_page": paginate(request, upload.errors, per_page=50),
    }
    if _htmx(request):
        response = render(request, "employers/import_detail.html#import-state", context)
        if not context["running"] and request.headers.get("HX-Trigger") == "import-state":
            # The polled work has finished: reload the page, whose column form depends on it.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "employers/import_detail.html", context)


@require_POST
def import_start(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    upload = access.get_import(request, public_id, need=Cap.ENROL_CANDIDATES)
    try:
        services.enrolment_import_start(
            upload=upload, actor=tenancy_access.current_membership(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("employers:import_detail", agency_slug=agency_slug, public_id=public_id)


@require_GET
def import_errors(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    upload = access.get_import(request, public_id, need=Cap.ENROL_CANDIDATES)
    response = HttpResponse(error_report_csv(upload.errors), content_type="text/csv; charset=utf-8")
    name = slugify(upload.file_name.rsplit(".", 1)[0]) or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}-errors.csv"'
    return response


def _sheet_response(request: HttpRequest, entries: list[SheetEntry], name: str) -> HttpResponse:
    membership = tenancy_access.current_membership(request)
    pdf = invitation_sheet_pdf(entries, title=_("Invitations"))
    audit_record(
        agency=membership.agency,
        actor=membership.user,
        action="invitation_sheet.download",
        data={"people": len(entries), "sheet": name},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "invitations"}.pdf"'
    return response


@require_GET
def cohort_invitation_sheet(
    request: HttpRequest, agency_slug: str, public_id: UUID
) -> HttpResponse:
    cohort = access.get_cohort(request, public_id, need=Cap.ENROL_CANDIDATES)
    entries = services.open_candidate_invitations(cohort=cohort)
    if not entries:
        messages.info(request, _("Nobody in this cohort has an open invitation."))
        return redirect("employers:cohort_detail", agency_slug=agency_slug, public_id=public_id)
    return _sheet_response(request, entries, f"{cohort.name}-invitations")


@require_POST
def enrolment_invitation(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    enrolment = access.get_enrolment(request, public_id, need=Cap.ENROL_CANDIDATES)
    try:
        entry = services.candidate_invitation_issue(
            enrolment=enrolment, actor=tenancy_access.current_membership(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(
            "employers:engagement_detail",
            agency_slug=agency_slug,
            public_id=enrolment.engagement.public_id,
        )
    return _sheet_response(request, [entry], f"invitation-{enrolment.candidate.display_name}")


@require_http_methods(["GET", "POST"])
def checklist_template(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = tenancy_access.require(request, Cap.MANAGE_CHECKLISTS)
    initial = [
        {
            "title": i.title,
            "description": i.description,
            "owner": i.owner,
            "days_before_notice": i.days_before_notice,
            "ORDER": index,
        }
        for index, i in enumerate(checklist_items_of(membership.agency), start=1)
    ]
    formset = ChecklistFormSet(request.POST or None, initial=initial, prefix="items")
    if request.method == "POST" and formset.is_valid():
        items = [
            {k: v for k, v in form.cleaned_data.items() if k not in {"DELETE", "ORDER"}}
            for form in formset.ordered_forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        services.checklist_template_save(agency=membership.agency, actor=membership, items=items)
        messages.success(request, _("Checklist template saved. New cohorts will use it."))
        return redirect("employers:checklist_template", agency_slug=agency_slug)
    return render(request, "employers/checklist_template.html", {"formset": formset})


@require_http_methods(["GET", "POST"])
def candidate_privacy(request: HttpRequest, agency_slug: str) -> HttpResponse:
    enrolments = list(
        access.own_enrolments(request, need=Cap.GIVE_EMPLOYER_CONSENT).annotate(
            named_reporting=employer_may_see_status()
        )
    )
    membership = tenancy_access.current_membership(request)
    if request.method == "POST":
        chosen = set(request.POST.getlist("allowed"))
        for enrolment in enrolments:
            allowed = str(enrolment.public_id) in chosen
            if allowed != enrolment.named_reporting:
                services.enrolment_set_employer_consent(
                    enrolment=enrolment, actor=membership, allowed=allowed
                )
        messages.success(request, _("Your choice is saved. You can change it at any time."))
        return redirect("employers:candidate_privacy", agency_slug=agency_slug)
    return render(request, "employers/candidate_privacy.html", {"enrolments": enrolments})
