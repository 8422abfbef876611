from __future__ import annotations

from django.tasks import task

from springboard.network.emails import send_follow_up_email


@task
def send_follow_up_reminder(reminder_id: int) -> None:
    send_follow_up_email(reminder_id=reminder_id)
