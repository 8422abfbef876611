"""R1 (docs/reliability.md): a task re-queued after its worker died part-way finishes the job
instead of finding its object "in progress" and doing nothing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from springboard.privacy.exports.services import export_run
from springboard.privacy.models.exports import ExportJob, ExportStatus
from springboard.profiles.models import CvStatus, CvSuggestion, CvUpload
from springboard.profiles.services import profile_ensure
from springboard.profiles.services.cv_parse import cv_parse_run
from tests.factories import World

pytestmark = pytest.mark.django_db

CV_TEXT = (
    b"Jane Example\nWork experience\nWarehouse team lead, Harbour Logistics, 2015-2023\n"
    b"Planned shifts, trained new staff, used forklift trucks and SAP.\n"
)


def test_an_export_left_being_built_by_a_killed_worker_is_built_by_the_rerun(
    world: World,
) -> None:
    from springboard.privacy.exports.services import export_start

    # The test's transaction never commits: the task queued on commit does not run.
    job = export_start(membership=world.a.candidate, requested_by=world.a.candidate.user)
    assert job.status == ExportStatus.QUEUED
    # What SIGKILL during the build leaves: the job claimed (RUNNING), no file.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    export_run(export_id=str(job.public_id))

    job.refresh_from_db()
    assert job.status == ExportStatus.READY
    assert job.file.name


def test_a_cv_left_finding_skills_by_a_killed_worker_is_read_again_without_duplicates(
    world: World,
) -> None:
    profile = profile_ensure(world.a.candidate)
    upload = CvUpload.objects.create(
        profile=profile,
        file=ContentFile(CV_TEXT, name="private/cv/rerun.txt"),
        original_name="cv.txt",
        size=len(CV_TEXT),
        state=CvStatus.QUEUED,
    )
    cv_parse_run(upload_id=str(upload.public_id))
    upload.refresh_from_db()
    assert upload.state == CvStatus.DONE
    first = sorted(CvSuggestion.objects.filter(upload=upload).values_list("kind", "key"))
    # Killed after storing the suggestions, before marking the upload done: re-delivered.
    CvUpload.objects.filter(pk=upload.pk).update(state=CvStatus.SUGGESTING)

    cv_parse_run(upload_id=str(upload.public_id))

    upload.refresh_from_db()
    assert upload.state == CvStatus.DONE
    again = sorted(CvSuggestion.objects.filter(upload=upload).values_list("kind", "key"))
    assert again == first
