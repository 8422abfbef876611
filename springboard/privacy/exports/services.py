"""Exports: start one, build it (in a task), hand it out, and remove it when it expires."""

from __future__ import annotations

import datetime
import os
import tempfile
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from springboard.accounts.models import User
from springboard.privacy.exports.builder import Summary, write_export
from springboard.privacy.models import ExportJob, ExportStatus
from springboard.privacy.models.exports import EXPORT_LIFETIME
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Membership

EXPORT_FOLDER = "private/exports/"


def export_start(*, membership: Membership, requested_by: User) -> ExportJob:
    """Queue an export of `membership`; one already waiting or running is returned instead,
    so pressing the button twice builds one ZIP."""
    from springboard.privacy.exports import tasks  # the task module imports these services

    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=membership.pk).get()
        running = ExportJob.objects.filter(
            membership=membership, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)
        ).first()
        if running is not None:
            return running
        job = ExportJob.objects.create(
            agency_id=membership.agency_id, membership=membership, requested_by=requested_by
        )
        on_behalf = requested_by.pk != membership.user_id
        audit_record(
            agency=membership.agency,
            actor=requested_by,
            action="export.request_for_member" if on_behalf else "export.request",
            target=membership,
            data={"export": str(job.public_id)},
        )
        transaction.on_commit(partial(tasks.build_export.enqueue, export_id=str(job.public_id)))
    return job


def _set_progress(job_pk: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_pk).update(progress=percent)


def export_run(*, export_id: str) -> ExportJob | None:
    """Build the ZIP of a queued export and store it; a job already taken is left alone."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            # RUNNING too: a task re-queued after its worker died mid-build (R1,
            # docs/reliability.md) builds it again instead of leaving it "being built".
            .filter(public_id=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
            .first()
        )
        if job is None:
            return None
        job.status = ExportStatus.RUNNING
        job.save(update_fields=["status"])
    membership = Membership.objects.select_related("agency", "user").get(pk=job.membership_id)
    with tempfile.TemporaryFile() as scratch:
        summary = write_export(membership, scratch, report=partial(_set_progress, job.pk))
        size = scratch.tell()
        scratch.seek(0)
        name = default_storage.save(f"{EXPORT_FOLDER}{uuid.uuid4().hex}.zip", File(scratch))
    now = timezone.now()
    job.file.name = name
    job.size = size
    job.records = summary.records
    job.status = ExportStatus.READY
    job.progress = 100
    job.finished_at = now
    job.expires_at = now + EXPORT_LIFETIME
    job.save(
        update_fields=[
            "file",
            "size",
            "records",
            "status",
            "progress",
            "finished_at",
            "expires_at",
        ]
    )
    return job


def export_crashed(*, export_id: str) -> None:
    ExportJob.objects.filter(
        public_id=export_id, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)
    ).update(status=ExportStatus.FAILED, finished_at=timezone.now())


def export_open(*, job: ExportJob, actor: User) -> IO[bytes]:
    """The stored ZIP, for a download the caller has allowed; audited."""
    handle = default_storage.open(str(job.file.name), "rb")
    audit_record(
        agency=job.agency,
        actor=actor,
        action="export.download",
        target=job.membership,
        data={"export": str(job.public_id)},
    )
    return handle


def exports_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of expired exports (run daily); returns how many were removed."""
    now = now or timezone.now()
    removed = 0
    expired = ExportJob.objects.select_related("agency").filter(
        status=ExportStatus.READY, expires_at__lte=now
    )
    for job in expired.iterator():
        name = job.file.name
        with transaction.atomic():
            updated = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.READY).update(
                status=ExportStatus.EXPIRED, file=""
            )
            if not updated:
                continue
            audit_record(
                agency=job.agency,
                actor=None,
                action="export.expire",
                target=job.membership,
                data={"export": str(job.public_id)},
            )
        if name:
            default_storage.delete(name)
        removed += 1
    return removed


class ExportRefused(Exception):
    """The operator's export cannot be made (unknown agency or address)."""


@dataclass(frozen=True)
class OperatorExport:
    membership: Membership
    summary: Summary
    size: int


def export_person_to(*, agency_slug: str, email: str, output: Path) -> OperatorExport:
    """An operator's export written straight to a file; nothing is written when the agency or
    the person is unknown, and a half-written file never stays behind."""
    agency = Agency.objects.filter(slug=agency_slug).first()
    if agency is None:
        raise ExportRefused(f"No agency with the slug {agency_slug!r}.")
    membership = (
        Membership.objects.select_related("agency", "user")
        .filter(agency=agency, user__email__iexact=email.strip())
        .first()
    )
    if membership is None:
        raise ExportRefused(f"Nobody with the address {email!r} is a member of {agency.slug}.")
    folder = output.resolve().parent
    handle, scratch = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as target:
            summary = write_export(membership, target)
            size = target.tell()
        os.replace(scratch, output)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    audit_record(
        agency=agency,
        actor=None,
        action="export.operator",
        target=membership,
        data={"records": summary.records, "files": summary.files},
    )
    return OperatorExport(membership=membership, summary=summary, size=size)
