from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.employers import access as employer_access
from springboard.employers.models import Cohort, Engagement
from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.programmes import access, engagement_settings, selectors, services
from springboard.programmes.forms import (
    BulkStartForm,
    CaseloadFilterForm,
    CheckInForm,
    CoachesForm,
    ConsentForm,
    EngagementTemplateForm,
    IntakeForm,
    PlanItemAddForm,
    PlanItemForm,
    ProgrammeStartForm,
    TransitionForm,
)
from springboard.programmes.models import Programme, ProgrammeStatus
from springboard.programmes.reporting import STATUS_HEADINGS, employer_report
from springboard.programmes.template_editor import (
    TemplateEditor,
    apply_action,
    draft_from_content,
    draft_from_post,
)
from springboard.programmes.tools import candidate_work_links
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap, Role


def _filters_query(request: HttpRequest) -> str:
    """The filters of the current URL, ready to take a new sort key: "q=…&status=…&"."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("sort", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def caseload_context(request: HttpRequest, viewer: Membership) -> dict[str, Any]:
    """The caseload table for the caseload page and the coach's home page."""
    filters = CaseloadFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    sort = criteria.get("sort") or "name"
    page = paginate(
        request,
        selectors.caseload(
            viewer,
            search=criteria.get("q", ""),
            status=criteria.get("status", ""),
            at_risk=bool(criteria.get("risk")),
            sort=sort,
        ),
    )
    return {
        "filters": filters,
        "page": page,
        "rows": selectors.caseload_rows(page.object_list),
        "sort": sort,
        "query": query_without_page(request),
        "sort_query": _filters_query(request),
    }


@require_GET
def caseload(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.VIEW_CASELOAD)
    context = caseload_context(request, viewer)
    if request.headers.get("HX-Request"):
        return render(request, "programmes/caseload.html#caseload-table", context)
    return render(request, "programmes/caseload.html", context)


@require_http_methods(["GET", "POST"])
def programme_start(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.MANAGE_PROGRAMMES)
    form = ProgrammeStartForm(
        request.POST or None,
        agency=viewer.agency,
        versions=selectors.latest_versions(viewer.agency),
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                enrolment=form.cleaned_data["enrolment"],
                actor=viewer,
                template_version=form.cleaned_data["template_version"],
                coaches=list(form.cleaned_data["coaches"]),
                start_date=form.cleaned_data["start_date"],
                planned_end_date=form.cleaned_data.get("planned_end_date"),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Programme started."))
            return redirect(
                "programmes:detail", agency_slug=agency_slug, public_id=programme.public_id
            )
    return render(request, "programmes/start.html", {"form": form})


def _detail_context(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    viewer = current_membership(request)
    intake = selectors.intake_of(programme)
    context: dict[str, Any] = {
        "programme": programme,
        "plan": selectors.plan_of(programme),
        "intake": intake,
        "can_run_intake": viewer.has(Cap.RUN_INTAKE)
        and intake is None
        and programme.status in (ProgrammeStatus.INVITED, ProgrammeStatus.INTAKE),
        "can_manage": viewer.has(Cap.MANAGE_PROGRAMMES),
        "can_assign_coaches": viewer.has(Cap.ASSIGN_COACHES),
        "activity": selectors.activity_of(programme),
        "coaches": selectors.coaches_of(programme),
        "can_tick": viewer.has(Cap.TICK_TASKS),
        "can_edit": viewer.has(Cap.EDIT_PLAN),
        "can_open_tools": viewer.has(Cap.OWN_CANDIDATE_WORK),
        # Admins and the programme's coaches record its outcome (the page checks the scope).
        "can_record_outcome": viewer.has(Cap.CHANGE_PROGRAMME_STATUS),
    }
    if viewer.has(Cap.CHANGE_PROGRAMME_STATUS):
        context["transition_form"] = TransitionForm(current=programme.status)
    if viewer.has(Cap.VIEW_WELLBEING):
        context["checkins"] = selectors.wellbeing_checkins_for(programme, viewer)
    if viewer.has(Cap.VIEW_CASELOAD):
        context["candidate_consents"] = selectors.candidate_consents_for(programme, viewer)
    if viewer.has(Cap.REVIEW_CANDIDATE_WORK):
        context["work_links"] = candidate_work_links(
            programme.agency.slug, programme.public_id, programme.candidate.public_id
        )
    return context


@require_GET
def detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_programme(request, public_id, need=Cap.VIEW_PROGRAMME)
    return render(request, "programmes/detail.html", _detail_context(request, programme))


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_programme(request, public_id, need=Cap.RUN_INTAKE)
    form = IntakeForm(request.POST or None, initial={"language": programme.candidate.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_complete(
                programme=programme,
                actor=current_membership(request),
                answers=form.answers(),
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Intake saved and the personal plan is ready."))
            return redirect("programmes:detail", agency_slug=agency_slug, public_id=public_id)
    return render(request, "programmes/intake.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_programme(request, public_id, need=Cap.CHANGE_PROGRAMME_STATUS)
    form = TransitionForm(request.POST or None, current=programme.status)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_transition(
                programme=programme,
                actor=current_membership(request),
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data.get("reason", ""),
                new_end_date=form.cleaned_data.get("new_end_date"),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Status changed."))
            return redirect("programmes:detail", agency_slug=agency_slug, public_id=public_id)
    return render(request, "programmes/transition.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "POST"])
def coaches(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """Who coaches a candidate: an admin for any programme; a coach for the programmes they
    coach (adding a co-coach, or handing over by unticking themself, but never leaving none)."""
    programme = access.get_programme(request, public_id, need=Cap.ASSIGN_COACHES)
    viewer = current_membership(request)
    form = CoachesForm(
        request.POST or None,
        agency=viewer.agency,
        initial={"coaches": [m.public_id for m in selectors.coaches_of(programme)]},
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["coaches"])
        try:
            services.programme_assign_coaches(programme=programme, actor=viewer, coaches=chosen)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Coaches saved."))
            if viewer.role == Role.COACH and viewer not in chosen:
                # Handed over: the programme is no longer in this coach's caseload.
                return redirect("programmes:caseload", agency_slug=agency_slug)
            return redirect("programmes:detail", agency_slug=agency_slug, public_id=public_id)
    return render(request, "programmes/coaches.html", {"programme": programme, "form": form})


@require_POST
def task_done(
    request: HttpRequest, agency_slug: str, public_id: UUID, item_id: UUID
) -> HttpResponse:
    """Tick a task off or reopen it. With htmx the answer is the row (focused, with an Undo
    button unless this was the undo) and the progress boxes, swapped out of band."""
    item = access.get_plan_item(request, public_id, item_id, need=Cap.TICK_TASKS)
    viewer = current_membership(request)
    done = request.POST.get("done") == "1"
    was_done = item.is_done
    error = ""
    try:
        item = services.plan_item_set_done(item=item, actor=viewer, done=done)
    except DomainError as failure:
        error = failure.message
    changed = not error and item.is_done != was_done
    if request.headers.get("HX-Request"):
        programme = item.programme
        detail_path = reverse(
            "programmes:detail", kwargs={"agency_slug": agency_slug, "public_id": public_id}
        )
        context = {
            "task": item,
            "programme": programme,
            "can_tick": True,
            "can_edit": viewer.has(Cap.EDIT_PLAN),
            "can_open_tools": viewer.has(Cap.OWN_CANDIDATE_WORK),
            "error": error,
            "focus_row": True,
            "undo": changed and request.POST.get("undo") != "1",
            "plan": selectors.plan_of(programme),
            "on_detail": urlsplit(request.headers.get("HX-Current-URL", "")).path == detail_path,
        }
        return render(request, "programmes/_plan.html#task-response", context)
    if error:
        messages.error(request, error)
    elif changed:
        messages.success(request, _("Marked as done.") if done else _("Reopened."))
    if viewer.role == Role.CANDIDATE:
        return redirect("home:agency", agency_slug=agency_slug)
    return redirect("programmes:detail", agency_slug=agency_slug, public_id=public_id)


@require_http_methods(["GET", "POST"])
def item_edit(
    request: HttpRequest, agency_slug: str, public_id: UUID, item_id: UUID
) -> HttpResponse:
    item = access.get_plan_item(request, public_id, item_id, need=Cap.EDIT_PLAN)
    initial = {
        "version": item.version,
        "title": item.title,
        "description": item.description,
        "due_date": item.due_date,
    }
    form = PlanItemForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_edit(
                item=item,
                actor=current_membership(request),
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data.get("description", ""),
                due_date=form.cleaned_data.get("due_date"),
            )
        except services.PlanConflict as clash:
            # Keep both texts: the editor's own stays in the form, the saved one is shown
            # beside it, and saving again now knowingly replaces the newer version.
            conflict = clash.current
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form = PlanItemForm(data)
            form.is_valid()
            form.add_error(None, clash.message)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Plan updated."))
            return redirect("programmes:detail", agency_slug=agency_slug, public_id=public_id)
    return render(
        request,
        "programmes/item_edit.html",
        {"programme": item.programme, "item": item, "form": form, "conflict": conflict},
        status=409 if conflict is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_programme(request, public_id, need=Cap.EDIT_PLAN)
    form = PlanItemAddForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_add(
                programme=programme,
                actor=current_membership(request),
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data.get("description", ""),
                phase=form.cleaned_data.get("phase"),
                milestone=form.cleaned_data.get("milestone"),
                due_date=form.cleaned_data.get("due_date"),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Added to the plan."))
            return redirect("programmes:detail", agency_slug=agency_slug, public_id=public_id)
    return render(request, "programmes/item_add.html", {"programme": programme, "form": form})


def _checkin_context(programme: Programme, viewer: Membership) -> dict[str, Any]:
    return {
        "programme": programme,
        "consent": selectors.active_consent(programme),
        "checked_in": selectors.checked_in_this_week(
            programme, services.week_of(timezone.localdate())
        ),
        "checkins": selectors.wellbeing_checkins_for(programme, viewer),
    }


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_programme(request, public_id, need=Cap.WELLBEING_CHECKIN)
    viewer = current_membership(request)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wellbeing_checkin_submit(
                programme=programme,
                actor=viewer,
                mood=form.cleaned_data["mood"],
                energy=form.cleaned_data["energy"],
                confidence=form.cleaned_data["confidence"],
                comment=form.cleaned_data.get("comment", ""),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Thank you. Your coach will see your check-in."))
            return redirect("programmes:checkin", agency_slug=agency_slug, public_id=public_id)
    context = _checkin_context(programme, viewer)
    context.update(form=form, consent_form=ConsentForm())
    return render(request, "programmes/checkin.html", context)


@require_POST
def consent(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    programme = access.get_programme(request, public_id, need=Cap.WELLBEING_CHECKIN)
    viewer = current_membership(request)
    if request.POST.get("action") == "withdraw":
        erased = services.wellbeing_consent_withdraw(programme=programme, actor=viewer)
        messages.success(
            request,
            _("Consent withdrawn. %(count)s check-ins were deleted.") % {"count": erased},
        )
        return redirect("programmes:checkin", agency_slug=agency_slug, public_id=public_id)
    consent_form = ConsentForm(request.POST)
    if consent_form.is_valid():
        services.wellbeing_consent_give(programme=programme, actor=viewer)
        messages.success(request, _("Thank you. You can now check in once a week."))
        return redirect("programmes:checkin", agency_slug=agency_slug, public_id=public_id)
    context = _checkin_context(programme, viewer)
    context.update(form=CheckInForm(), consent_form=consent_form)
    return render(request, "programmes/checkin.html", context)


@require_GET
def templates(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.MANAGE_PROGRAMME_TEMPLATES)
    return render(
        request,
        "programmes/templates.html",
        {"versions": selectors.latest_versions(viewer.agency)},
    )


@require_GET
def template_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    template = access.get_template(request, public_id, need=Cap.MANAGE_PROGRAMME_TEMPLATES)
    versions = selectors.versions_of(template)
    return render(
        request,
        "programmes/template_detail.html",
        {"template": template, "versions": versions, "latest": versions[0] if versions else None},
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """The structured editor: buttons that add, remove or move an entry re-render the form with
    every typed value kept; "save" validates and saves a new version (template_editor.py)."""
    template = access.get_template(request, public_id, need=Cap.MANAGE_PROGRAMME_TEMPLATES)
    if request.method == "GET":
        latest = template.versions.order_by("-number").first()
        draft = draft_from_content(latest.content if latest else {})
        editor = TemplateEditor(draft, bound=False)
    else:
        draft = draft_from_post(request.POST)
        focus = apply_action(draft, request.POST.get("action", "save"))
        if focus is not None:
            editor = TemplateEditor(draft, bound=False, focus=focus)
        else:
            editor = TemplateEditor(draft, bound=True)
            if editor.is_valid():
                try:
                    version = services.template_version_create(
                        template=template,
                        actor=current_membership(request),
                        content=editor.content(),
                    )
                except DomainError as error:
                    editor.errors.append(error.message)
                else:
                    messages.success(
                        request, _("Saved as version %(number)s.") % {"number": version.number}
                    )
                    return redirect(
                        "programmes:template_detail",
                        agency_slug=agency_slug,
                        public_id=version.template.public_id,
                    )
            editor.failed = True
    return render(
        request, "programmes/template_edit.html", {"template": template, "editor": editor}
    )


# --- for employers and engagements --------------------------------------------------------


@require_GET
def employer_overview(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The employer contact's report (springboard/programmes/reporting.py)."""
    membership = require(request, Cap.VIEW_EMPLOYER_AGGREGATES)
    return render(
        request,
        "programmes/employer_overview.html",
        {"reports": employer_report(membership), "status_labels": STATUS_HEADINGS},
    )


@require_http_methods(["GET", "POST"])
def engagement_template(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """The template that programmes started for an engagement's candidates default to."""
    engagement = employer_access.get_engagement(request, public_id, need=Cap.MANAGE_PROGRAMMES)
    viewer = current_membership(request)
    current = engagement_settings.engagement_template_of(engagement)
    form = EngagementTemplateForm(
        # Bound on every POST: an empty one (nothing chosen) clears the choice.
        request.POST if request.method == "POST" else None,
        versions=selectors.latest_versions(viewer.agency),
        initial={"template": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            engagement_settings.engagement_template_set(
                engagement=engagement, actor=viewer, template=form.cleaned_data["template"]
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Programme template saved."))
            return redirect(
                "employers:engagement_detail", agency_slug=agency_slug, public_id=public_id
            )
    return render(
        request, "programmes/engagement_template.html", {"form": form, "engagement": engagement}
    )


# --- starting many programmes at once -----------------------------------------------------


def _bulk_start_form_view(
    request: HttpRequest, agency_slug: str, engagement: Engagement, cohort: Cohort | None
) -> HttpResponse:
    viewer = current_membership(request)
    people = selectors.enrolments_without_programme(engagement, cohort=cohort)
    form = BulkStartForm(
        request.POST or None,
        enrolments=people,
        versions=selectors.latest_versions(viewer.agency),
        engagement_template_id=engagement_settings.engagement_template_id(engagement.pk),
        initial={
            "enrolments": [enrolment.public_id for enrolment in people],
            "start_date": timezone.localdate(),
            "coach_capacity": services.DEFAULT_COACH_CAPACITY,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            bulk = services.bulk_start_create(
                engagement=engagement,
                cohort=cohort,
                actor=viewer,
                template_version=form.cleaned_data["template_version"],
                enrolments=list(form.cleaned_data["enrolments"]),
                start_date=form.cleaned_data["start_date"],
                coach_capacity=form.cleaned_data["coach_capacity"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(
                "programmes:bulk_start_detail", agency_slug=agency_slug, public_id=bulk.public_id
            )
    context = {
        "form": form,
        "engagement": engagement,
        "cohort": cohort,
        "people_count": people.count(),
        "default_version": form.default_version,
        "recent": selectors.bulk_starts_of(engagement, cohort=cohort),
    }
    return render(request, "programmes/bulk_start.html", context)


@require_http_methods(["GET", "POST"])
def bulk_start_cohort(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """Start programmes for the people of a cohort (linked from the cohort and import pages)."""
    cohort = employer_access.get_cohort(request, public_id, need=Cap.MANAGE_PROGRAMMES)
    return _bulk_start_form_view(request, agency_slug, cohort.engagement, cohort)


@require_http_methods(["GET", "POST"])
def bulk_start_engagement(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """Start programmes for the people of an engagement (an import without a cohort)."""
    engagement = employer_access.get_engagement(request, public_id, need=Cap.MANAGE_PROGRAMMES)
    return _bulk_start_form_view(request, agency_slug, engagement, None)


@require_GET
def bulk_start_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """A bulk start's progress, polled with htmx while the task runs."""
    bulk = access.get_bulk_start(request, public_id, need=Cap.MANAGE_PROGRAMMES)
    context = {"bulk": bulk}
    if request.headers.get("HX-Request"):
        return render(request, "programmes/bulk_start_detail.html#bulk-state", context)
    return render(request, "programmes/bulk_start_detail.html", context)
