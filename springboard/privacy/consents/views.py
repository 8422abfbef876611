"""The person's "My consents" page: every consent they were asked for, its history, and the
buttons to withdraw or grant it again."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from springboard.privacy.consents import selectors, services
from springboard.privacy.consents.access import own_consent
from springboard.privacy.consents.wording import wording_of
from springboard.tenancy.access import current_membership


@require_GET
def mine(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = current_membership(request)
    consents = selectors.consents_of(viewer)
    rows = [(consent, wording_of(consent.purpose)) for consent in consents]
    return render(request, "privacy/consents/mine.html", {"rows": rows})


@require_POST
def grant(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    consent = own_consent(request, public_id)
    services.grant(actor=current_membership(request), purpose=consent.purpose, scope=consent.scope)
    messages.success(request, _("Your consent is recorded. You can withdraw it at any time."))
    return redirect("consents:mine", agency_slug=agency_slug)


@require_POST
def withdraw(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    consent = own_consent(request, public_id)
    erased = services.withdraw(
        actor=current_membership(request), purpose=consent.purpose, scope=consent.scope
    )
    if erased:
        messages.success(
            request,
            ngettext(
                "Consent withdrawn. %(count)s record held under it was deleted.",
                "Consent withdrawn. %(count)s records held under it were deleted.",
                erased,
            )
            % {"count": erased},
        )
    else:
        messages.success(request, _("Consent withdrawn."))
    return redirect("consents:mine", agency_slug=agency_slug)
