"""Background work of the coaching app (django.tasks): take ids, re-check state."""

from __future__ import annotations

from django.tasks import task

from springboard.coaching.emails import send_session_reminder_email


@task
def send_session_reminder(session_id: int) -> None:
    send_session_reminder_email(session_id=session_id)
