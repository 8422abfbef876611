"""E-mails about accounts, rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from springboard.accounts.models import Invitation
from springboard.accounts.tokens import invitation_token


def invitation_url(invitation: Invitation, *, mailbox: bool = False) -> str:
    """The link to accept; `mailbox=True` only for the copy e-mailed to the invited address."""
    token = invitation_token(
        key=invitation.key, agency_slug=invitation.agency.slug, mailbox=mailbox
    )
    path = reverse(
        "accounts:invitation_accept",
        kwargs={"agency_slug": invitation.agency.slug, "token": token},
    )
    return f"{settings.SITE_URL}{path}"


def send_invitation(*, invitation_id: str) -> bool:
    """Send the invitation once, if it is still open.

    The invitation is claimed (``emailed_at``) before the message goes out, so a task that is
    retried or run by two workers sends at most one e-mail; if the process dies between the
    claim and the send, the admin can re-invite (or print the day-0 sheet).
    """
    invitation = (
        Invitation.objects.select_related("agency", "invited_by", "employer")
        .filter(public_id=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return False
    claimed = Invitation.objects.filter(pk=invitation.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    with translation.override(invitation.language):
        context = {"invitation": invitation, "url": invitation_url(invitation, mailbox=True)}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[invitation.email])
    message.send()
    return True


def send_invitation_code(*, invitation_id: str, code: str) -> bool:
    """E-mail the code that proves control of the invited address (printed links need it)."""
    invitation = Invitation.objects.select_related("agency").filter(public_id=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return False
    with translation.override(invitation.language):
        context = {"invitation": invitation, "code": code}
        subject = render_to_string("accounts/email/code_subject.txt", context).strip()
        body = render_to_string("accounts/email/code_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[invitation.email]).send()
    return True
