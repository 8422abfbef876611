"""Reminder e-mails, in the recipient's language; each goes out at most once.

Delivery of a claim (`services.reminders` takes the claims and queues `tasks.send_reminder`),
so it imports no service: marking the claim sent is part of sending it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from springboard.programmes.models import (
    PlanItem,
    Programme,
    ProgrammeStatus,
    ReminderKind,
    ReminderSent,
)
from springboard.tenancy.models import Membership


def _mark_sent(reminder: ReminderSent) -> bool:
    """Mark the reminder sent, once; False when another worker already did (send nothing)."""
    return bool(
        ReminderSent.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )


def send_reminder_email(*, reminder_id: int) -> bool:
    """Send one claimed reminder. The claim is marked sent before the e-mail leaves, so a retry,
    a second worker or a worker restarted after a crash never sends it twice (at most once)."""
    reminder = (
        ReminderSent.objects.select_related("recipient", "programme__agency")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.sent_at is not None:
        return False
    programme: Programme = reminder.programme
    item: PlanItem | None = None
    if reminder.kind == ReminderKind.TASK_DUE:
        item = PlanItem.objects.filter(public_id=reminder.item_id, done_at__isnull=True).first()
        if item is None:
            return False
    if programme.status in (ProgrammeStatus.CLOSED, ProgrammeStatus.DROPPED_OUT):
        return False
    if not _mark_sent(reminder):
        return False
    recipient = reminder.recipient
    # The agency writes in the language, and with the name, it holds for the person.
    member = Membership.objects.filter(agency=programme.agency, user=recipient).first()
    path = reverse("home:agency", kwargs={"agency_slug": programme.agency.slug})
    with translation.override(member.language if member else recipient.language):
        context = {
            "recipient": recipient,
            "name": member.display_name if member else recipient.email,
            "agency": programme.agency,
            "item": item,
            "kind": reminder.kind,
            "url": f"{settings.SITE_URL}{path}",
        }
        subject = render_to_string("programmes/email/reminder_subject.txt", context).strip()
        body = render_to_string("programmes/email/reminder_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[recipient.email]).send()
    return True
