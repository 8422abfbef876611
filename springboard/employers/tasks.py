"""Background work for enrolment: reading, checking and importing files (the e-mails of day-0
invitations go out through accounts.tasks). An import task that raises leaves its import failed
(and retryable), never stuck."""

from __future__ import annotations

from django.tasks import task

from springboard.employers.services.import_steps import (
    enrolment_import_crashed,
    enrolment_import_read,
    enrolment_import_run,
    enrolment_import_validate,
)


def _import_step_crashed(import_id: str) -> None:
    enrolment_import_crashed(import_id=import_id)


@task
def read_enrolment_import(import_id: str) -> None:
    try:
        enrolment_import_read(import_id=import_id)
    except Exception:
        _import_step_crashed(import_id)
        raise


@task
def validate_enrolment_import(import_id: str) -> None:
    try:
        enrolment_import_validate(import_id=import_id)
    except Exception:
        _import_step_crashed(import_id)
        raise


@task
def run_enrolment_import(import_id: str) -> None:
    try:
        enrolment_import_run(import_id=import_id)
    except Exception:
        _import_step_crashed(import_id)
        raise
