from __future__ import annotations

from django.tasks import task

from springboard.programmes.emails import send_reminder_email


@task
def send_reminder(reminder_id: int) -> None:
    send_reminder_email(reminder_id=reminder_id)
