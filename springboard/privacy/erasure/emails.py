"""E-mails about an erasure request, in the language the agency writes to the person in."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from springboard.privacy.models.erasure import ErasureRequest, ErasureStatus, RefusalReason


def _send(*, to: str, language: str, template: str, context: dict[str, object]) -> None:
    with translation.override(language):
        subject = render_to_string(f"privacy/erasure/email/{template}_subject.txt", context)
        body = render_to_string(f"privacy/erasure/email/{template}_body.txt", context)
    EmailMultiAlternatives(subject=subject.strip(), body=body, to=[to]).send()


def send_erasure_done(*, address: str, language: str, agency_name: str) -> None:
    """Sent after the erasure committed, to the address captured before it: the account may
    be anonymised by now."""
    _send(to=address, language=language, template="done", context={"agency_name": agency_name})


def send_erasure_refused(*, request_id: int) -> bool:
    request = (
        ErasureRequest.objects.select_related("membership__user", "agency")
        .filter(pk=request_id, status=ErasureStatus.REFUSED)
        .first()
    )
    if request is None:
        return False
    membership = request.membership
    path = reverse("erasure:mine", kwargs={"agency_slug": request.agency.slug})
    with translation.override(membership.language):
        reason = str(RefusalReason(request.refusal_reason).label)
    _send(
        to=membership.user.email,
        language=membership.language,
        template="refused",
        context={
            "name": membership.display_name,
            "agency_name": request.agency.name,
            "reason": reason,
            "text": request.refusal_text,
            "url": f"{settings.SITE_URL}{path}",
        },
    )
    return True
