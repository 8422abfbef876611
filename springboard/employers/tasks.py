"""Background work for enrolment: checking and importing files, sending day-0 invitations."""

from __future__ import annotations

from django.tasks import task


@task
def validate_enrolment_import(import_id: str) -> None:
    from springboard.employers.services import enrolment_import_validate

    enrolment_import_validate(import_id=import_id)


@task
def run_enrolment_import(import_id: str) -> None:
    from springboard.employers.services import enrolment_import_run

    enrolment_import_run(import_id=import_id)


@task
def send_candidate_invitations(invitation_ids: list[str]) -> None:
    from springboard.accounts.emails import send_invitation

    # send_invitation skips invitations that were accepted or revoked meanwhile, so a retried
    # chunk does not e-mail people who already started.
    for invitation_id in invitation_ids:
        send_invitation(invitation_id=invitation_id)
