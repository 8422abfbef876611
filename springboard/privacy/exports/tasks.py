"""Building an export in the background. A task that raises leaves its export failed (the
person can start another), never stuck at "being built"."""

from __future__ import annotations

from django.tasks import task

from springboard.privacy.exports.services import export_crashed, export_run


@task
def build_export(export_id: str) -> None:
    try:
        export_run(export_id=export_id)
    except Exception:
        export_crashed(export_id=export_id)
        raise
