from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from springboard.accounts import services
from springboard.accounts.access import get_invitation
from springboard.accounts.forms import InvitationSignupForm
from springboard.accounts.middleware import mfa_exempt
from springboard.lib.errors import DomainError
from springboard.tenancy.middleware import tenant_public

_AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@login_not_required
@tenant_public
@mfa_exempt
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, agency_slug: str, token: str) -> HttpResponse:
    opened = get_invitation(request.agency, token)  # type: ignore[attr-defined]
    invitation = opened.invitation
    context: dict[str, object] = {"invitation": invitation}
    if not invitation.is_open:
        return render(request, "accounts/invitation_closed.html", context, status=410)
    signed_in = request.user if request.user.is_authenticated else None
    existing_account = signed_in is None and not services.account_needs_activation(invitation)
    needs_code = signed_in is None and not existing_account and not opened.mailbox_proven
    if request.method == "POST" and needs_code and "send_code" in request.POST:
        try:
            services.invitation_send_code(invitation=invitation)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("We e-mailed a code to %(email)s. It works for 30 minutes.")
                % {"email": invitation.email},
            )
        return redirect(request.path)
    form = (
        InvitationSignupForm(
            request.POST or None,
            needs_code=needs_code,
            initial={"full_name": invitation.full_name},  # the name HR or the admin supplied
        )
        if signed_in is None
        else None
    )
    context.update({"form": form, "existing_account": existing_account, "needs_code": needs_code})
    if request.method == "POST" and not existing_account and (form is None or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=signed_in,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
                mailbox_proven=opened.mailbox_proven,
                code=form.cleaned_data.get("code", "") if form else "",
            )
        except DomainError as error:
            if form is not None and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
        except ValidationError as error:
            assert form is not None
            form.add_error("password1", error)
        else:
            if signed_in is None:
                login(request, membership.user, backend=_AUTH_BACKEND)
            messages.success(
                request, _("Welcome to %(agency)s.") % {"agency": membership.agency.name}
            )
            return redirect("home:agency", agency_slug=membership.agency.slug)
    return render(request, "accounts/invitation_accept.html", context)
