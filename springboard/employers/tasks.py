"""Background work for enrolment: reading, checking and importing files, sending day-0
invitations. An import task that raises leaves its import failed (and retryable), never stuck."""

from __future__ import annotations

from django.tasks import task


def _import_step_crashed(import_id: str) -> None:
    from springboard.employers.services import enrolment_import_crashed

    enrolment_import_crashed(import_id=import_id)


@task
def read_enrolment_import(import_id: str) -> None:
    from springboard.employers.services import enrolment_import_read

    try:
        enrolment_import_read(import_id=import_id)
    except Exception:
        _import_step_crashed(import_id)
        raise


@task
def validate_enrolment_import(import_id: str) -> None:
    from springboard.employers.services import enrolment_import_validate

    try:
        enrolment_import_validate(import_id=import_id)
    except Exception:
        _import_step_crashed(import_id)
        raise


@task
def run_enrolment_import(import_id: str) -> None:
    from springboard.employers.services import enrolment_import_run

    try:
        enrolment_import_run(import_id=import_id)
    except Exception:
        _import_step_crashed(import_id)
        raise


@task
def send_candidate_invitations(invitation_ids: list[str]) -> None:
    from springboard.accounts.emails import send_invitation

    # send_invitation skips invitations that were accepted or revoked meanwhile, so a retried
    # chunk does not e-mail people who already started.
    for invitation_id in invitation_ids:
        send_invitation(invitation_id=invitation_id)
