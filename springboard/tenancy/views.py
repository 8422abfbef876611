from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.accounts import services as account_services
from springboard.accounts.access import signed_in_user
from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.tenancy import access, services
from springboard.tenancy.forms import InviteForm, MemberFilterForm, RoleForm
from springboard.tenancy.roles import Cap
from springboard.tenancy.selectors import (
    active_memberships_of,
    members_of,
    pending_invitations,
)

PENDING_SHOWN = 50  # the newest open invitations on the members page; the API lists them all


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tenancy/agency_list.html",
        {"memberships": active_memberships_of(signed_in_user(request))},
    )


@require_GET
def members(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = access.require(request, Cap.MANAGE_MEMBERS)
    filters = MemberFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        members_of(
            membership.agency,
            search=criteria.get("q", ""),
            role=criteria.get("role", ""),
            status=criteria.get("status", ""),
            sort=criteria.get("sort") or "name",
        ),
    )
    context = {
        "filters": filters,
        "page": page,
        "sort": criteria.get("sort") or "name",
        "query": query_without_page(request),
    }
    if request.headers.get("HX-Request"):
        return render(request, "tenancy/members.html#member-table", context)
    context["invitations"] = pending_invitations(membership.agency)[:PENDING_SHOWN]
    return render(request, "tenancy/members.html", context)


@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = access.require(request, Cap.MANAGE_MEMBERS)
    form = InviteForm(request.POST or None, agency=membership.agency)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = account_services.invitation_create(
                agency=membership.agency,
                actor=membership.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                employer=form.cleaned_data.get("employer"),
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("tenancy:members", agency_slug=agency_slug)
    return render(request, "tenancy/member_invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    member = access.get_membership(request, public_id, need=Cap.MANAGE_MEMBERS)
    actor = access.current_membership(request)
    initial = {"role": member.role, "employer": member.employer}
    form = RoleForm(request.POST or None, initial=initial, agency=member.agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership=member,
                actor=actor,
                role=form.cleaned_data["role"],
                employer=form.cleaned_data.get("employer"),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Role changed."))
            return redirect("tenancy:members", agency_slug=agency_slug)
    return render(
        request,
        "tenancy/member_edit.html",
        {"member": member, "form": form, "is_self": member.pk == actor.pk},
    )


@require_POST
def invitation_revoke(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    invitation = access.get_pending_invitation(request, public_id, need=Cap.MANAGE_MEMBERS)
    try:
        account_services.invitation_revoke(invitation=invitation, actor=signed_in_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("tenancy:members", agency_slug=agency_slug)


@require_POST
def member_deactivate(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    member = access.get_membership(request, public_id, need=Cap.MANAGE_MEMBERS)
    try:
        services.membership_deactivate(membership=member, actor=access.current_membership(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s was deactivated and signed out everywhere.")
            % {"name": member.display_name},
        )
    return redirect("tenancy:member_edit", agency_slug=agency_slug, public_id=public_id)


@require_POST
def member_reactivate(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    member = access.get_membership(request, public_id, need=Cap.MANAGE_MEMBERS)
    services.membership_reactivate(membership=member, actor=access.current_membership(request))
    messages.success(request, _("%(name)s can sign in again.") % {"name": member.display_name})
    return redirect("tenancy:member_edit", agency_slug=agency_slug, public_id=public_id)
