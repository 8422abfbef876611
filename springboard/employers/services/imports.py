"""Requests about an enrolment import (upload, column choice, start, retry); the work itself
runs in the background (services/import_steps.py through employers/tasks.py)."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from springboard.employers import tasks
from springboard.employers.importing.fields import (
    FIELDS_BY_KEY,
    LAST_FIRST,
    NAME_ORDER_KEY,
    guess_mapping,
)
from springboard.employers.importing.reading import (
    ImportFileError,
    check_file,
    read_table,
    storable,
)
from springboard.employers.models import (
    Cohort,
    ColumnMapping,
    Engagement,
    EnrolmentImport,
    ImportStatus,
)
from springboard.employers.services.import_steps import (
    _ui_language,
)
from springboard.lib.errors import DomainError
from springboard.lib.stored_files import save_private
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership


def _store_upload(
    *,
    engagement: Engagement,
    cohort: Cohort | None,
    actor: Membership,
    file_name: str,
    content: bytes,
    kind: str,
    **fields: Any,
) -> EnrolmentImport:
    """The stored file of an upload, with what the caller already knows about it in `fields`."""
    return EnrolmentImport.objects.create(
        agency=engagement.employer.agency,
        engagement=engagement,
        cohort=cohort,
        uploaded_by=actor.user,
        file_name=storable(file_name)[:200],
        file_kind=kind,
        content=save_private("imports", content, extension=kind),
        content_sha256=hashlib.sha256(content).hexdigest(),
        **fields,
    )


@transaction.atomic
def enrolment_import_upload(
    *,
    engagement: Engagement,
    cohort: Cohort | None,
    actor: Membership,
    file_name: str,
    content: bytes,
    default_language: str,
) -> EnrolmentImport:
    """Store a file and read its rows at once: for the `enrol` command, which runs in its
    operator's own process. Web and API uploads use enrolment_import_receive."""
    try:
        kind = check_file(file_name, content)
        table = read_table(content, kind)
    except ImportFileError as exc:
        raise DomainError(str(exc), field="file") from exc
    remembered = ColumnMapping.objects.filter(employer=engagement.employer).first()
    mapping = guess_mapping(table.headers, remembered.mapping if remembered else None)
    upload = _store_upload(
        engagement=engagement,
        cohort=cohort,
        actor=actor,
        file_name=file_name,
        content=content,
        kind=kind,
        headers=table.headers,
        mapping={**mapping, "_default_language": default_language, "_language": _ui_language()},
        total_rows=len(table.rows),
    )
    audit_record(
        agency=upload.agency,
        actor=actor.user,
        action="enrolment_import.upload",
        target=upload,
        data={"rows": len(table.rows), "kind": kind},
    )
    return upload


@transaction.atomic
def enrolment_import_receive(
    *,
    engagement: Engagement,
    cohort: Cohort | None,
    actor: Membership,
    file_name: str,
    content: bytes,
    default_language: str,
) -> EnrolmentImport:
    """Store an uploaded file after the checks that cost no more than a look at its bytes; a
    task reads the rows (enrolment_import_read), so no request spends time on a crafted file."""
    try:
        kind = check_file(file_name, content)
    except ImportFileError as exc:
        raise DomainError(str(exc), field="file") from exc
    upload = _store_upload(
        engagement=engagement,
        cohort=cohort,
        actor=actor,
        file_name=file_name,
        content=content,
        kind=kind,
        status=ImportStatus.READING,
        mapping={"_default_language": default_language, "_language": _ui_language()},
    )
    audit_record(
        agency=upload.agency,
        actor=actor.user,
        action="enrolment_import.upload",
        target=upload,
        data={"bytes": len(content), "kind": kind},
    )
    transaction.on_commit(
        partial(tasks.read_enrolment_import.enqueue, import_id=str(upload.public_id))
    )
    return upload


@transaction.atomic
def enrolment_import_check(
    *, upload: EnrolmentImport, actor: Membership, mapping: dict[str, str]
) -> EnrolmentImport:
    locked = EnrolmentImport.objects.select_for_update().get(pk=upload.pk)
    if locked.status not in {ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED}:
        raise DomainError(_("This import is already running."))
    clean_mapping = {
        k: v
        for k, v in mapping.items()
        if k in FIELDS_BY_KEY and isinstance(v, str) and v and v in locked.headers
    }
    if mapping.get(NAME_ORDER_KEY) == LAST_FIRST:
        clean_mapping[NAME_ORDER_KEY] = LAST_FIRST
    ColumnMapping.objects.update_or_create(
        employer=locked.engagement.employer, defaults={"mapping": clean_mapping}
    )
    locked.mapping = {
        **clean_mapping,
        "_default_language": locked.mapping.get("_default_language", "en"),
        "_language": _ui_language(),
    }
    locked.status = ImportStatus.VALIDATING
    locked.processed_rows = 0
    locked.errors = []
    # Rows checked under the previous mapping must never be imported under this one.
    locked.checked_rows = ""
    locked.failure = ""
    locked.save(
        update_fields=["mapping", "status", "processed_rows", "errors", "checked_rows", "failure"]
    )
    transaction.on_commit(
        partial(tasks.validate_enrolment_import.enqueue, import_id=str(locked.public_id))
    )
    return locked


@transaction.atomic
def enrolment_import_start(*, upload: EnrolmentImport, actor: Membership) -> EnrolmentImport:
    """Import a checked file, or retry a failed one from the step that failed: the import itself
    when its rows had been checked, otherwise reading and checking the file again."""
    locked = EnrolmentImport.objects.select_for_update().get(pk=upload.pk)
    action = "enrolment_import.start"
    if locked.status == ImportStatus.VALIDATED and not locked.errors and locked.checked_rows:
        locked.status = ImportStatus.IMPORTING
    elif locked.status == ImportStatus.FAILED:
        action = "enrolment_import.retry"
        if locked.checked_rows:
            locked.status = ImportStatus.IMPORTING
        else:
            locked.status = ImportStatus.READING
            locked.errors, locked.processed_rows = [], 0
    else:
        raise DomainError(_("Fix the errors and upload the file again before importing."))
    locked.failure = ""
    locked.mapping = {**locked.mapping, "_language": _ui_language()}
    locked.save(update_fields=["status", "failure", "errors", "processed_rows", "mapping"])
    upload.refresh_from_db()
    audit_record(agency=upload.agency, actor=actor.user, action=action, target=upload)
    task = (
        tasks.run_enrolment_import
        if locked.status == ImportStatus.IMPORTING
        else tasks.read_enrolment_import
    )
    transaction.on_commit(partial(task.enqueue, import_id=str(upload.public_id)))
    return upload
