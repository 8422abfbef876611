"""Aftercare e-mails in the candidate's language: the check-in link, and one reminder.

Delivery only: a check-in is claimed (`sent_at` / `reminded_at` set in one conditional UPDATE)
before its e-mail is queued, so a rerun or a second worker never e-mails twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from springboard.outcomes.models import CheckIn, CoachDigest
from springboard.outcomes.tokens import checkin_token
from springboard.programmes.models import ProgrammeStatus


def checkin_url(checkin: CheckIn) -> str:
    programme = checkin.programme
    token = checkin_token(
        checkin_id=checkin.public_id,
        programme_id=programme.public_id,
        agency_slug=programme.agency.slug,
    )
    path = reverse(
        "outcomes:checkin_answer", kwargs={"agency_slug": programme.agency.slug, "token": token}
    )
    return f"{settings.SITE_URL}{path}"


def send_checkin_email(*, checkin_id: int, reminder: bool = False) -> bool:
    """E-mail one claimed check-in link; nothing when it was answered or the person left."""
    checkin = (
        CheckIn.objects.select_related("programme__agency", "programme__candidate__user")
        .filter(pk=checkin_id, answered_at__isnull=True)
        .first()
    )
    if checkin is None:
        return False
    programme = checkin.programme
    candidate = programme.candidate
    if not candidate.is_active or programme.status == ProgrammeStatus.DROPPED_OUT:
        return False
    with translation.override(programme.language or candidate.language):
        context = {
            "name": candidate.display_name,
            "agency": programme.agency,
            "months": checkin.months,
            "expires_on": checkin.expires_on,
            "url": checkin_url(checkin),
            "reminder": reminder,
        }
        subject = render_to_string("outcomes/email/checkin_subject.txt", context).strip()
        body = render_to_string("outcomes/email/checkin_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[candidate.user.email]).send()
    return True


def send_coach_digest_email(*, digest_id: int) -> bool:
    """A coach's weekly reminder: marked sent before it leaves, so it goes out at most once.
    It names no candidate data beyond what the coach's own caseload page shows, and links there."""
    claimed = CoachDigest.objects.filter(pk=digest_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    digest = (
        CoachDigest.objects.select_related("coach__user", "coach__agency")
        .filter(pk=digest_id)
        .first()
    )
    if not claimed or digest is None or not digest.coach.is_active:
        return False
    coach = digest.coach
    path = reverse("outcomes:dashboard", kwargs={"agency_slug": coach.agency.slug})
    with translation.override(coach.language):
        context = {
            "name": coach.display_name,
            "agency": coach.agency,
            "url": f"{settings.SITE_URL}{path}",
        }
        subject = render_to_string("outcomes/email/digest_subject.txt", context).strip()
        body = render_to_string("outcomes/email/digest_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[coach.user.email]).send()
    return True
