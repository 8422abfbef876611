from __future__ import annotations

from django.tasks import task

from springboard.outcomes.emails import send_checkin_email, send_coach_digest_email


@task
def send_checkin(checkin_id: int, reminder: bool = False) -> None:
    send_checkin_email(checkin_id=checkin_id, reminder=reminder)


@task
def send_coach_digest(digest_id: int) -> None:
    send_coach_digest_email(digest_id=digest_id)
