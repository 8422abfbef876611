from __future__ import annotations

from django.tasks import task

from springboard.programmes.emails import send_reminder_email


@task
def send_reminder(reminder_id: int) -> None:
    send_reminder_email(reminder_id=reminder_id)


@task
def run_bulk_start(bulk_start_id: str) -> None:
    """Start the programmes of a bulk start (services/bulk_start.py); one that raises is left
    failed, with what it started kept."""
    # Imported here: the services queue this task, so they import this module first.
    from springboard.programmes.services.bulk_start import bulk_start_crashed, bulk_start_run

    try:
        bulk_start_run(bulk_start_id=bulk_start_id)
    except Exception:
        bulk_start_crashed(bulk_start_id=bulk_start_id)
        raise
