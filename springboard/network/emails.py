"""Follow-up reminder e-mails, in the language the agency holds for the candidate; at most once.

The claim (`services.outreach.follow_up_reminders_enqueue`) is marked sent before the e-mail
leaves, so a retry or a second worker never sends it twice; a follow-up done in the meantime, or
a deactivated candidate, gets nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from springboard.network.models import FollowUpReminder


def send_follow_up_email(*, reminder_id: int) -> bool:
    reminder = (
        FollowUpReminder.objects.select_related(
            "interaction__contact", "interaction__owner__user", "interaction__owner__agency"
        )
        .filter(pk=reminder_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None:
        return False
    interaction = reminder.interaction
    owner = interaction.owner
    if interaction.follow_up_done or not owner.is_active:
        return False
    marked = FollowUpReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not marked:
        return False
    path = reverse(
        "network:contact_detail",
        kwargs={"agency_slug": owner.agency.slug, "public_id": interaction.contact.public_id},
    )
    with translation.override(owner.language):
        context = {
            "name": owner.display_name,
            "contact": interaction.contact.full_name,
            "interaction": interaction,
            "agency": owner.agency,
            "url": f"{settings.SITE_URL}{path}",
        }
        subject = render_to_string("network/email/follow_up_subject.txt", context).strip()
        body = render_to_string("network/email/follow_up_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[owner.user.email]).send()
    return True
