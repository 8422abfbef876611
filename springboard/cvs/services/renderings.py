"""Rendering CV versions in the background (the task's work; `documents` enqueues it): many at
once, since a design change re-renders every version of the CV, without holding up a request."""

from __future__ import annotations

from django.db import transaction

from springboard.cvs import rendering
from springboard.cvs.content import render_model
from springboard.cvs.models import CvVersion, Rendering
from springboard.lib.stored_files import delete_on_commit, save_private


def version_render(version_id: str) -> Rendering | None:
    """Render one version with its CV's current design and language; a version deleted in the
    meantime is skipped. Re-rendering an up-to-date version changes nothing."""
    version = CvVersion.objects.select_related("cv").filter(public_id=version_id).first()
    if version is None:
        return None
    cv = version.cv
    existing = Rendering.objects.filter(version=version).first()
    if existing is not None and existing.fits(cv):
        return existing
    model = render_model(version.content, cv.language)
    values = {
        "design": cv.design,
        "language": cv.language,
        "pdf": save_private("cvs", rendering.cv_pdf(model, cv.design), extension="pdf"),
        "docx": save_private("cvs", rendering.cv_docx(model, cv.design), extension="docx"),
    }
    with transaction.atomic():
        # Locked so the files replaced here are the ones this update drops.
        previous = Rendering.objects.select_for_update().filter(version=version).first()
        saved, _created = Rendering.objects.update_or_create(version=version, defaults=values)
        if previous is not None:
            delete_on_commit(previous.pdf, previous.docx)
    return saved
