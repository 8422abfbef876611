"""Outreach: interactions with a contact, their follow-ups and reminders, message drafts."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.network.models import (
    Channel,
    Contact,
    FollowUpReminder,
    Interaction,
    MessageDraft,
    Purpose,
)
from springboard.network.tasks import send_follow_up_reminder
from springboard.tenancy.models import Membership

DRAFT_LANGUAGES = ("en", "nl", "da", "nb")


def _require_owner(contact: Contact, actor: Membership) -> None:
    if contact.owner_id != actor.pk:
        raise DomainError(_("Only the candidate can change their network."))


@transaction.atomic
def interaction_record(
    *,
    contact: Contact,
    actor: Membership,
    channel: str,
    date: datetime.date,
    purpose: str,
    outcome: str = "",
    follow_up_due: datetime.date | None = None,
) -> Interaction:
    _require_owner(contact, actor)
    if channel not in Channel.values:
        raise DomainError(_("Choose a channel."), field="channel")
    if purpose not in Purpose.values:
        raise DomainError(_("Choose a purpose."), field="purpose")
    if follow_up_due is not None and follow_up_due < date:
        raise DomainError(
            _("The follow-up cannot be before the contact itself."), field="follow_up_due"
        )
    interaction = Interaction(
        owner=actor,
        contact=contact,
        channel=channel,
        date=date,
        purpose=purpose,
        outcome=outcome.strip(),
        follow_up_due=follow_up_due,
    )
    interaction.full_clean()
    interaction.save()
    if contact.last_contact is None or contact.last_contact < date:
        contact.last_contact = date
        contact.save(update_fields=["last_contact", "updated_at"])
    return interaction


def follow_up_done(*, interaction: Interaction, actor: Membership) -> Interaction:
    if interaction.owner_id != actor.pk:
        raise DomainError(_("Only the candidate can change their network."))
    if not interaction.follow_up_done:
        interaction.follow_up_done = True
        interaction.save(update_fields=["follow_up_done"])
    return interaction


@transaction.atomic
def draft_save(*, contact: Contact, actor: Membership, language: str, body: str) -> MessageDraft:
    _require_owner(contact, actor)
    if language not in DRAFT_LANGUAGES:
        raise DomainError(_("Choose a language."), field="language")
    if not body.strip():
        raise DomainError(_("Write the message."), field="body")
    draft, _created = MessageDraft.objects.update_or_create(
        contact=contact, language=language, defaults={"owner": actor, "body": body.strip()}
    )
    return draft


def follow_up_reminders_enqueue(*, today: datetime.date) -> int:
    """Claim today's follow-up reminders and queue one e-mail per new claim; how many were new.

    Follow-ups due today (or overdue by up to a week, for days the command did not run) that are
    not done, of active candidates. A claim is unique per (interaction, day) and is inserted
    before anything is queued, so a second run the same day queues nothing.
    """
    due = Interaction.objects.filter(
        follow_up_done=False,
        follow_up_due__lte=today,
        follow_up_due__gte=today - datetime.timedelta(days=7),
        owner__is_active=True,
    ).exclude(pk__in=FollowUpReminder.objects.values("interaction_id"))
    claimed: list[int] = []
    for interaction_id in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                claim = FollowUpReminder.objects.create(interaction_id=interaction_id, day=today)
        except IntegrityError:
            continue
        claimed.append(claim.pk)
    for claim_id in claimed:
        transaction.on_commit(partial(send_follow_up_reminder.enqueue, reminder_id=claim_id))
    return len(claimed)
