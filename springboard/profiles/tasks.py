"""Background work of the profiles app: reading an uploaded CV. A task that raises leaves its
upload failed with a clear message, never stuck at "reading"."""

from __future__ import annotations

from django.tasks import task

from springboard.profiles.services.cv_parse import cv_parse_crashed, cv_parse_run


@task
def parse_cv(upload_id: str) -> None:
    try:
        cv_parse_run(upload_id=upload_id)
    except Exception:
        cv_parse_crashed(upload_id=upload_id)
        raise
