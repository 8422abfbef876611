from __future__ import annotations

from django.tasks import task

from springboard.accounts.emails import send_invitation, send_invitation_code


@task
def send_invitation_email(invitation_id: str) -> None:
    send_invitation(invitation_id=invitation_id)


@task
def send_invitation_code_email(invitation_id: str, code: str) -> None:
    send_invitation_code(invitation_id=invitation_id, code=code)


@task
def send_invitation_emails(invitation_ids: list[str]) -> None:
    """E-mail a chunk of invitations (an import's). send_invitation skips those accepted or
    revoked meanwhile, so a retried chunk does not e-mail people who already started."""
    for invitation_id in invitation_ids:
        send_invitation(invitation_id=invitation_id)
