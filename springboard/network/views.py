"""Pages of the network app: the candidate's contacts, import, outreach, map, sharing and
activity log; the coach's read-only view of a shared network."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.network import access, activity_log, selectors, services
from springboard.network.chart import chart_of
from springboard.network.drafts import first_contact_text
from springboard.network.forms import (
    ActivityForm,
    CircleForm,
    ContactFilterForm,
    ContactForm,
    DraftForm,
    ImportForm,
    InteractionForm,
    IntroducerForm,
    LogPeriodForm,
    MergeForm,
)
from springboard.network.importing import ContactFileError
from springboard.network.models import Circle, Contact, Strength
from springboard.network.services.plan import network_is_mapped
from springboard.privacy.consents.wording import wording_of
from springboard.privacy.models.consents import ConsentPurpose
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap

# The export a candidate most likely needs, from the language they use.
DEFAULT_SERVICE = {"da": "jobnet", "nb": "nav", "nl": "uwv"}


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# --- contacts ---------------------------------------------------------------------------------


@require_GET
def contacts(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    filters = ContactFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        selectors.contacts_of(
            viewer,
            search=criteria.get("q", ""),
            circle=criteria.get("circle", ""),
            tag=criteria.get("tag", ""),
            sort=criteria.get("sort") or "name",
        ),
    )
    context = {
        "filters": filters,
        "page": page,
        "query": query_without_page(request),
        "circles": Circle.choices,
        "strengths": Strength.choices,
        "follow_ups": selectors.follow_ups_due(viewer, today=timezone.localdate()),
        "total": selectors.contacts_of(viewer).count(),
        "today": timezone.localdate(),
    }
    if _is_htmx(request):
        return render(request, "network/contacts.html#contact-table", context)
    return render(request, "network/contacts.html", context)


@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            contact = services.contact_create(
                owner=viewer, tags=form.cleaned_data["tags_text"], **fields
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Contact added."))
            return redirect(
                "network:contact_detail", agency_slug=agency_slug, public_id=contact.public_id
            )
    return render(request, "network/contact_form.html", {"form": form, "contact": None})


def _detail_context(contact: Contact, **forms: Any) -> dict[str, Any]:
    duplicates = selectors.possible_duplicates(contact)
    return {
        "contact": contact,
        "interactions": selectors.interactions_of(contact),
        "interaction_form": forms.get("interaction_form")
        or InteractionForm(initial={"date": timezone.localdate()}),
        "merge_form": forms.get("merge_form")
        or MergeForm(candidates=Contact.objects.filter(pk__in=[d.pk for d in duplicates])),
        "duplicates": duplicates,
        "drafts": selectors.drafts_of(contact),
    }


@require_GET
def contact_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    contact = access.get_contact(request, public_id)
    return render(request, "network/contact_detail.html", _detail_context(contact))


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    contact = access.get_contact(request, public_id)
    viewer = current_membership(request)
    # The form validates on a copy (a ModelForm writes the input into its instance); the service
    # changes the contact itself.
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=contact.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=contact,
                actor=viewer,
                tags=form.cleaned_data["tags_text"],
                **form.service_fields(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("network:contact_detail", agency_slug=agency_slug, public_id=public_id)
    return render(request, "network/contact_form.html", {"form": form, "contact": contact})


@require_POST
def contact_circle(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """Sort one contact into a circle (and set the tie's strength); from the list, by htmx."""
    contact = access.get_contact(request, public_id)
    form = CircleForm(request.POST)
    if form.is_valid():
        contact = services.contact_set_circle(
            contact=contact,
            actor=current_membership(request),
            circle=form.cleaned_data["circle"],
            strength=form.cleaned_data["strength"],
        )
        saved = True
    else:
        saved = False
    if _is_htmx(request):
        context = {
            "contact": contact,
            "circles": Circle.choices,
            "strengths": Strength.choices,
            "saved": saved,
        }
        return render(request, "network/contacts.html#contact-row", context)
    if saved:
        messages.success(request, _("Contact saved."))
    else:
        messages.error(request, _("Choose one of the circles."))
    return redirect("network:contacts", agency_slug=agency_slug)


@require_POST
def contact_delete(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    contact = access.get_contact(request, public_id)
    services.contact_delete(contact=contact, actor=current_membership(request))
    messages.success(request, _("Contact deleted."))
    return redirect("network:contacts", agency_slug=agency_slug)


@require_POST
def contact_merge(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    contact = access.get_contact(request, public_id)
    viewer = current_membership(request)
    form = MergeForm(
        request.POST,
        candidates=selectors.contacts_of(viewer).exclude(pk=contact.pk),
    )
    if form.is_valid():
        services.contact_merge(keep=contact, duplicate=form.cleaned_data["duplicate"], actor=viewer)
        messages.success(request, _("Contacts merged."))
        return redirect("network:contact_detail", agency_slug=agency_slug, public_id=public_id)
    context = _detail_context(contact, merge_form=form)
    return render(request, "network/contact_detail.html", context)


# --- outreach ---------------------------------------------------------------------------------


@require_POST
def interaction_add(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    contact = access.get_contact(request, public_id)
    form = InteractionForm(request.POST)
    if form.is_valid():
        try:
            services.interaction_record(
                contact=contact, actor=current_membership(request), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Contact logged."))
            return redirect("network:contact_detail", agency_slug=agency_slug, public_id=public_id)
    context = _detail_context(contact, interaction_form=form)
    return render(request, "network/contact_detail.html", context)


@require_POST
def follow_up_done(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    interaction = access.get_interaction(request, public_id)
    services.follow_up_done(interaction=interaction, actor=current_membership(request))
    messages.success(request, _("Follow-up done."))
    return redirect("network:contacts", agency_slug=agency_slug)


@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    contact = access.get_contact(request, public_id)
    viewer = current_membership(request)
    language = request.GET.get("language") or viewer.language
    if language not in {"en", "nl", "da", "nb"}:
        language = "en"
    saved = selectors.drafts_of(contact).get(language)
    body = (
        saved.body
        if saved
        else first_contact_text(
            language, contact=contact.full_name, company=contact.company, me=viewer.display_name
        )
    )
    form = DraftForm(request.POST or None, initial={"language": language, "body": body})
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_save(contact=contact, actor=viewer, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("network:contact_detail", agency_slug=agency_slug, public_id=public_id)
    context = {"contact": contact, "form": form, "language": language, "saved": saved}
    return render(request, "network/draft.html", context)


# --- import -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_contacts(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            upload, result = services.contact_import_receive(
                owner=viewer, file_name=upload_file.name or "", content=upload_file.read()
            )
        except ContactFileError as error:
            form.add_error("file", error.message)
        else:
            return render(
                request, "network/import_preview.html", {"upload": upload, "result": result}
            )
    return render(request, "network/import.html", {"form": form})


@require_POST
def import_confirm(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    upload = access.get_import(request, public_id)
    try:
        result = services.contact_import_apply(upload=upload, actor=current_membership(request))
    except (DomainError, ContactFileError) as error:
        messages.error(request, error.message)
        return redirect("network:import", agency_slug=agency_slug)
    messages.success(
        request,
        _("Imported. New contacts: %(created)s; updated: %(updated)s; lines skipped: %(skipped)s.")
        % {"created": result.created, "updated": result.updated, "skipped": len(result.skipped)},
    )
    return redirect("network:contacts", agency_slug=agency_slug)


# --- map, introductions, sharing ----------------------------------------------------------------


@require_GET
def network_map(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    network = selectors.network_map(viewer)
    context = {
        "map": network,
        "chart": chart_of(network, [str(label) for _value, label in Strength.choices]),
        "mapped": network_is_mapped(viewer),
        "strengths": Strength.choices,
    }
    return render(request, "network/map.html", context)


@require_GET
def introducers(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = IntroducerForm(request.GET or None)
    company = form.cleaned_data.get("company", "") if form.is_valid() else ""
    context = {
        "form": form,
        "company": company,
        "people": selectors.introducers(viewer, company) if company else [],
    }
    return render(request, "network/introducers.html", context)


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            if services.network_share_withdraw(owner=viewer):
                messages.success(request, _("Your coaches no longer see your network."))
        elif request.POST.get("action") == "share":
            services.network_share(owner=viewer)
            messages.success(request, _("Your coaches can now see your network."))
        return redirect("network:share", agency_slug=agency_slug)
    consent = selectors.share_consent(viewer)
    context = {
        "consent": consent,
        "history": selectors.share_history(consent),
        "wording": wording_of(ConsentPurpose.SHARE_NETWORK),
    }
    return render(request, "network/share.html", context)


# --- activity log -----------------------------------------------------------------------------


def _log_context(data: QueryDict, viewer: Membership) -> dict[str, Any]:
    period = LogPeriodForm(data or None)
    first, last = period.period(timezone.localdate())
    service_key = (period.cleaned_data.get("service") if period.is_valid() else "") or (
        DEFAULT_SERVICE.get(viewer.language, "jobnet")
    )
    service = activity_log.SERVICES[service_key]
    if not period.is_bound:  # show the week and the service the page is about
        period.initial = {"start": first, "end": last, "service": service_key}
    rows = activity_log.log_rows(viewer, first, last)
    headings, cells = activity_log.table(service, rows)
    return {
        "period": period,
        "first": first,
        "last": last,
        "service": service,
        "headings": headings,
        "cells": cells,
        "rows": rows,
    }


@require_http_methods(["GET", "POST"])
def log(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = ActivityForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.logged_activity_record(owner=viewer, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Activity added to your log."))
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    context = _log_context(request.GET, viewer)
    context["form"] = form
    context["recorded"] = selectors.recorded_activities(viewer, context["first"], context["last"])
    return render(request, "network/log.html", context)


@require_POST
def log_delete(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    activity = access.get_logged_activity(request, public_id)
    services.logged_activity_delete(activity=activity, actor=current_membership(request))
    messages.success(request, _("Activity removed from your log."))
    return redirect("network:log", agency_slug=agency_slug)


def _export_name(context: dict[str, Any], suffix: str) -> str:
    service, first, last = context["service"], context["first"], context["last"]
    return f"activity-log-{service.key}-{first.isoformat()}-{last.isoformat()}.{suffix}"


@require_POST
def log_export(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The log of a period as a file for the benefit service: `format` pdf or csv (a POST, as
    the export is made on demand and a PDF is no page to revisit)."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    context = _log_context(request.POST, viewer)
    service, first, last, rows = (context[k] for k in ("service", "first", "last", "rows"))
    name = f"activity-log-{service.key}-{first.isoformat()}-{last.isoformat()}"
    if request.POST.get("format") == "pdf":
        response = HttpResponse(
            activity_log.export_pdf(viewer, service, rows, first, last),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        activity_log.export_csv(viewer, service, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- the coach ----------------------------------------------------------------------------------


@require_GET
def coach_contacts(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """The network of the candidate of a programme the coach coaches, while it is shared."""
    programme = access.get_coached_programme(request, public_id)
    candidate = programme.candidate
    shared = selectors.shared_network_for_coach(current_membership(request), candidate)
    context: dict[str, Any] = {
        "candidate": candidate,
        "programme": programme,
        "shared": shared is not None,
        "strengths": Strength.choices,
    }
    if shared is not None:
        context.update(map=shared.map, people=shared.people, outreach=shared.outreach)
        context["chart"] = chart_of(shared.map, [str(label) for _value, label in Strength.choices])
    return render(request, "network/coach_contacts.html", context)
