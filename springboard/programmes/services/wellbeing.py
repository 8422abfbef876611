"""Wellbeing: the candidate's explicit consent (health data) and the weekly check-ins."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import (
    LOW_WELLBEING_SCORE,
    ActivityKind,
    Programme,
    WellbeingCheckIn,
    WellbeingConsent,
)
from springboard.programmes.services.activity import log_activity
from springboard.tenancy.models import Membership


def _require_candidate(programme: Programme, actor: Membership) -> None:
    if programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate can do this."))


@transaction.atomic
def wellbeing_consent_give(*, programme: Programme, actor: Membership) -> WellbeingConsent:
    _require_candidate(programme, actor)
    existing = WellbeingConsent.objects.filter(
        programme=programme, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    consent = WellbeingConsent.objects.create(programme=programme, given_at=timezone.now())
    audit_record(
        agency=actor.agency, actor=actor.user, action="wellbeing.consent_give", target=programme
    )
    return consent


@transaction.atomic
def wellbeing_consent_withdraw(*, programme: Programme, actor: Membership) -> int:
    """Withdraw consent and erase the answers given under it; returns how many were erased."""
    _require_candidate(programme, actor)
    consents = list(
        WellbeingConsent.objects.select_for_update().filter(
            programme=programme, withdrawn_at__isnull=True
        )
    )
    if not consents:
        return 0
    erased, _detail = WellbeingCheckIn.objects.filter(programme=programme).delete()
    WellbeingConsent.objects.filter(pk__in=[c.pk for c in consents]).update(
        withdrawn_at=timezone.now()
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="wellbeing.consent_withdraw",
        target=programme,
        data={"erased_checkins": erased},
    )
    return erased


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
    consent = WellbeingConsent.objects.filter(
        programme=programme, withdrawn_at__isnull=True
    ).first()
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
