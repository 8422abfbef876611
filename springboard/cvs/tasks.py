"""Background work of the cvs app: rendering CV versions to PDF and DOCX, in batches."""

from __future__ import annotations

from django.tasks import task

from springboard.cvs.services.renderings import version_render


@task
def render_cv_versions(version_ids: list[str]) -> None:
    for version_id in version_ids:
        version_render(version_id)
