from __future__ import annotations

from django.tasks import task

from springboard.accounts.emails import send_invitation


@task
def send_invitation_email(invitation_id: str) -> None:
    send_invitation(invitation_id=invitation_id)
