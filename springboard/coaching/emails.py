"""Session reminder e-mails, in each recipient's language and time zone."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from springboard.coaching.models import CoachProfile, Session, SessionStatus
from springboard.tenancy.models import Membership


def _when(session: Session, member: Membership) -> str:
    profile = CoachProfile.objects.filter(coach=session.coach).first()
    zone = profile.zone if profile else timezone.get_default_timezone()
    local = session.starts_at.astimezone(zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


def send_session_reminder_email(*, session_id: int) -> int:
    """Remind the candidate and the coach; nothing when the session was cancelled or moved past
    the claim (the claim for the new time sends its own)."""
    session = (
        Session.objects.select_related("programme__candidate__user", "coach__user", "agency")
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.status != SessionStatus.BOOKED:
        return 0
    if session.reminder_sent_for != session.starts_at:
        return 0
    path = reverse(
        "coaching:session_detail",
        kwargs={"agency_slug": session.agency.slug, "public_id": session.public_id},
    )
    sent = 0
    for member in (session.programme.candidate, session.coach):
        if not member.is_active:
            continue
        with translation.override(member.language):
            subject = _("Reminder: coaching session on %(when)s") % {"when": _when(session, member)}
            body = "\n\n".join(
                [
                    _("Hello %(name)s,") % {"name": member.display_name},
                    _("This is a reminder of your coaching session on %(when)s.")
                    % {"when": _when(session, member)},
                    f"{settings.SITE_URL}{path}",
                ]
            )
        EmailMessage(subject=subject, body=body, to=[member.user.email]).send()
        sent += 1
    return sent
