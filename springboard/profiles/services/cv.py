"""CV uploads as the candidate asks for them: receiving a file, reading it again, deleting it,
and deciding its suggestions one by one (the reading itself is `cv_parse`, run by a task)."""

from __future__ import annotations

import uuid
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.documents import MAX_UPLOAD_BYTES
from springboard.lib.errors import DomainError
from springboard.profiles import tasks
from springboard.profiles.models import (
    CareerEntry,
    CvStatus,
    CvSuggestion,
    CvUpload,
    Profile,
    SkillSource,
    SuggestionKind,
    SuggestionState,
)
from springboard.profiles.services.cv_parse import cv_complete_when_decided
from springboard.profiles.services.sections import section_row_save
from springboard.profiles.services.skills import skill_add
from springboard.tenancy.models import Membership

# What the file input offers; the type itself is decided by the content when it is read.
CV_ACCEPT = ".pdf,.docx,.odt,.txt"
# Uploads one profile keeps; the candidate deletes old ones to upload more.
CV_UPLOADS_MAX = 20


def safe_file_name(name: str) -> str:
    """The name as shown back to the candidate: no path, no control characters, bounded."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "cv"


def check_cv_size(size: int) -> None:
    """Refuse a file by its announced size, before a byte of it is read."""
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is larger than %(size)d MB. Upload a smaller file.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="file",
        )
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")


@transaction.atomic
def cv_upload_receive(*, profile: Profile, file_name: str, content: bytes) -> CvUpload:
    """Store the file privately under a random name and queue its reading."""
    check_cv_size(len(content))
    name = safe_file_name(file_name)
    if CvUpload.objects.filter(profile=profile).count() >= CV_UPLOADS_MAX:
        raise DomainError(_("Delete an older upload first."), field="file")
    stored = default_storage.save(f"private/cv/{uuid.uuid4().hex}", ContentFile(content))
    upload = CvUpload.objects.create(
        profile=profile, file=stored, original_name=name, size=len(content)
    )
    transaction.on_commit(partial(tasks.parse_cv.enqueue, upload_id=str(upload.public_id)))
    return upload


@transaction.atomic
def cv_upload_reparse(*, upload: CvUpload) -> CvUpload:
    """Read the file again: open suggestions are found afresh, decided ones keep their state."""
    locked = CvUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.running:
        return locked
    locked.suggestions.filter(state=SuggestionState.OPEN).delete()
    locked.state = CvStatus.QUEUED
    locked.progress_percent = 0
    locked.message = ""
    locked.finished_at = None
    locked.save()
    transaction.on_commit(partial(tasks.parse_cv.enqueue, upload_id=str(locked.public_id)))
    return locked


def cv_upload_delete(*, upload: CvUpload) -> None:
    """Delete the upload (its file goes with it, `delete_stored_file`); what was accepted from
    it stays in the profile."""
    CvUpload.objects.filter(pk=upload.pk).delete()


def delete_stored_file(sender: type[CvUpload], instance: CvUpload, **kwargs: object) -> None:
    """post_delete of an upload, however it was deleted (by the candidate, or with the profile
    or membership it belongs to): remove the stored file once the deletion is committed."""
    name = instance.file.name
    if name:
        transaction.on_commit(partial(default_storage.delete, name))


@transaction.atomic
def suggestion_decide(*, suggestion: CvSuggestion, actor: Membership, accept: bool) -> CvSuggestion:
    """Accept (adds the skill or job to the profile) or reject one suggestion.

    A decided suggestion keeps its decision: deciding again changes nothing.
    """
    locked = (
        CvSuggestion.objects.select_for_update(of=("self",))
        .select_related("upload__profile__membership", "skill")
        .get(pk=suggestion.pk)
    )
    if locked.state != SuggestionState.OPEN:
        return locked
    profile = locked.upload.profile
    if accept:
        if locked.kind == SuggestionKind.SKILL and locked.skill is not None:
            skill_add(
                profile=profile,
                skill=locked.skill,
                evidence=str(locked.data.get("text", ""))[:2000],
                source=SkillSource.CV,
            )
        elif locked.kind == SuggestionKind.CAREER:
            data = locked.data
            section_row_save(
                profile=profile,
                model=CareerEntry,
                row=None,
                expected_version=None,
                values={
                    "title": str(data.get("title") or _("Job"))[:200],
                    "employer": str(data.get("employer") or "")[:200],
                    "start_year": data.get("start_year"),
                    "start_month": data.get("start_month"),
                    "end_year": data.get("end_year"),
                    "end_month": data.get("end_month"),
                    "description": str(data.get("description") or "")[:4000],
                },
            )
    locked.state = SuggestionState.ACCEPTED if accept else SuggestionState.REJECTED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    cv_complete_when_decided(locked.upload, actor)
    return locked
