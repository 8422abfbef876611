"""Wellbeing: the candidate's explicit consent (health data, asked through the one consent
model of `springboard.privacy.consents`) and the weekly check-ins."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.consents import services as consents
from springboard.privacy.models.consents import Consent, ConsentPurpose
from springboard.programmes.models import (
    LOW_WELLBEING_SCORE,
    ActivityKind,
    Programme,
    WellbeingCheckIn,
)
from springboard.programmes.services.activity import log_activity
from springboard.tenancy.models import Membership


def _require_candidate(programme: Programme, actor: Membership) -> None:
    if programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate can do this."))


def wellbeing_consent_give(*, programme: Programme, actor: Membership) -> Consent:
    """The candidate's consent to check-ins for this programme (the one consent model)."""
    _require_candidate(programme, actor)
    return consents.grant(
        actor=actor,
        purpose=ConsentPurpose.WELLBEING,
        scope=programme.public_id,
        scope_label=programme.template_version.name,
    )


def wellbeing_consent_withdraw(*, programme: Programme, actor: Membership) -> int:
    """Withdraw consent: the check-ins held under it are deleted; returns how many."""
    _require_candidate(programme, actor)
    erased = consents.withdraw(
        actor=actor, purpose=ConsentPurpose.WELLBEING, scope=programme.public_id
    )
    return erased or 0


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def wellbeing_checkin_submit(
    *,
    programme: Programme,
    actor: Membership,
    mood: int,
    energy: int,
    confidence: int,
    comment: str,
) -> WellbeingCheckIn:
    _require_candidate(programme, actor)
    # Locked: a withdrawal running now either finished first (no consent here) or waits and then
    # deletes this check-in with the others.
    consent = (
        Consent.objects.select_for_update()
        .filter(
            membership=actor,
            purpose=ConsentPurpose.WELLBEING,
            scope=programme.public_id,
            granted=True,
        )
        .first()
    )
    if consent is None:
        raise DomainError(_("Give your consent before the first check-in."))
    week = week_of(timezone.localdate())
    if WellbeingCheckIn.objects.filter(programme=programme, week=week).exists():
        raise DomainError(_("You have already checked in this week."))
    checkin = WellbeingCheckIn(
        programme=programme,
        consent=consent,
        week=week,
        mood=mood,
        energy=energy,
        confidence=confidence,
        comment=comment.strip(),
        is_low=min(mood, energy, confidence) <= LOW_WELLBEING_SCORE,
    )
    checkin.full_clean()
    checkin.save()
    # The activity entry says only that a check-in happened: never the answers.
    log_activity(programme, ActivityKind.CHECKIN_SUBMITTED, actor)
    return checkin
