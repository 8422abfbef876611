"""The background steps of an enrolment import (read, check, import), run by the tasks in
employers/tasks.py. They enqueue nothing of their own module's tasks, so the tasks can import
them at the top."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from springboard.employers.importing.fields import (
    LAST_FIRST,
    NAME_ORDER_KEY,
    guess_mapping,
    missing_fields,
)
from springboard.employers.importing.reading import (
    ImportFileError,
    Table,
    read_table,
)
from springboard.employers.importing.validation import (
    conflicts_with_database,
    rows_from_json,
    rows_to_json,
    validate_table,
)
from springboard.employers.importing.writing import write_rows
from springboard.employers.models import (
    ColumnMapping,
    Engagement,
    EnrolmentImport,
    ImportStatus,
)
from springboard.employers.selectors import existing_people, preview_counts
from springboard.employers.services.enrolment import _enqueue_invitations
from springboard.lib.stored_files import read_stored
from springboard.privacy.services import audit_record

logger = logging.getLogger(__name__)


def _ui_language() -> str:
    """The language of the person acting, kept so that background steps speak it too."""
    return translation.get_language() or settings.LANGUAGE_CODE


def _language_of(upload: EnrolmentImport) -> str:
    language = upload.mapping.get("_language")
    return language if isinstance(language, str) and language else settings.LANGUAGE_CODE


def _private_keys(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k.startswith("_")}


def _crash_message() -> str:
    return _(
        "Something went wrong on our side while processing this file. Nothing was saved. "
        "Try again; if it fails again, contact support."
    )


def _fail(upload: EnrolmentImport, message: str) -> EnrolmentImport:
    EnrolmentImport.objects.filter(pk=upload.pk).update(
        status=ImportStatus.FAILED, failure=message[:2000]
    )
    upload.refresh_from_db()
    return upload


def enrolment_import_crashed(*, import_id: str) -> None:
    """A task body raised: an import still marked as running is marked as failed, so it is seen
    as failed (and can be retried) instead of staying 'checking' or 'importing' forever."""
    upload = EnrolmentImport.objects.filter(public_id=import_id).first()
    if upload is None:
        return
    with translation.override(_language_of(upload)):
        EnrolmentImport.objects.filter(
            pk=upload.pk,
            status__in=[ImportStatus.READING, ImportStatus.VALIDATING, ImportStatus.IMPORTING],
        ).update(status=ImportStatus.FAILED, failure=_crash_message())


def enrolment_import_read(*, import_id: str) -> EnrolmentImport | None:
    """Read an uploaded file's rows (the task body after enrolment_import_receive); when every
    required column is recognised, go straight on to checking the rows."""
    upload = (
        EnrolmentImport.objects.select_related("engagement__employer__agency")
        .filter(public_id=import_id, status=ImportStatus.READING)
        .first()
    )
    if upload is None:
        return None
    with translation.override(_language_of(upload)):
        try:
            table = read_table(read_stored(upload.content), upload.file_kind)
            # A retried import keeps the columns its uploader chose, where the file has them.
            chosen = {
                k: v
                for k, v in upload.mapping.items()
                if not k.startswith("_") and v in table.headers
            }
            if chosen:
                if upload.mapping.get(NAME_ORDER_KEY) == LAST_FIRST:
                    chosen[NAME_ORDER_KEY] = LAST_FIRST
            else:
                remembered = ColumnMapping.objects.filter(
                    employer=upload.engagement.employer
                ).first()
                chosen = guess_mapping(table.headers, remembered.mapping if remembered else None)
            ready = not missing_fields(chosen)
            with transaction.atomic():
                moved = EnrolmentImport.objects.filter(
                    pk=upload.pk, status=ImportStatus.READING
                ).update(
                    headers=table.headers,
                    mapping={**chosen, **_private_keys(upload.mapping)},
                    total_rows=len(table.rows),
                    processed_rows=0,
                    errors=[],
                    checked_rows="",
                    failure="",
                    status=ImportStatus.VALIDATING if ready else ImportStatus.UPLOADED,
                )
        except ImportFileError as exc:
            return _fail(upload, str(exc))
        except Exception:
            logger.exception("Reading enrolment import %s failed", import_id)
            return _fail(upload, _crash_message())
    if moved and ready:
        return enrolment_import_validate(import_id=import_id, table=table)
    upload.refresh_from_db()
    return upload


def _progress_saver(
    upload: EnrolmentImport, also: Callable[[int], None] | None
) -> Callable[[int], None]:
    def save(processed: int) -> None:
        EnrolmentImport.objects.filter(pk=upload.pk).update(processed_rows=processed)
        if also is not None:
            also(processed)

    return save


def _validate(
    upload: EnrolmentImport,
    *,
    report_progress: bool,
    on_progress: Callable[[int], None] | None = None,
    table: Table | None = None,
) -> Any:
    if table is None:
        table = read_table(read_stored(upload.content), upload.file_kind)
    mapping = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
    emails_column = (
        table.headers.index(mapping["email"]) if mapping.get("email") in table.headers else None
    )
    emails = [
        row[emails_column].strip().lower()
        for row in table.rows
        if emails_column is not None and emails_column < len(row)
    ]
    return validate_table(
        table,
        mapping,
        existing=existing_people(upload.engagement, emails),
        default_language=upload.mapping.get("_default_language", "en"),
        on_progress=_progress_saver(upload, on_progress) if report_progress else None,
    )


def enrolment_import_validate(
    *,
    import_id: str,
    on_progress: Callable[[int], None] | None = None,
    table: Table | None = None,
) -> EnrolmentImport | None:
    """Check every row and store the preview; the task body, also used by the CLI. Whatever goes
    wrong leaves the import failed with a message, never stuck in 'checking'."""
    upload = (
        EnrolmentImport.objects.select_related("engagement__employer__agency")
        .filter(public_id=import_id, status=ImportStatus.VALIDATING)
        .first()
    )
    if upload is None:
        return None
    with translation.override(_language_of(upload)):
        try:
            result = _validate(upload, report_progress=True, on_progress=on_progress, table=table)
            upload.errors = [
                {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
            ]
            upload.summary = {
                "valid_rows": len(result.rows),
                **preview_counts(upload.engagement, result.rows),
            }
            upload.checked_rows = "" if result.errors else json.dumps(rows_to_json(result.rows))
            upload.status = ImportStatus.VALIDATED
            upload.processed_rows = upload.total_rows
            with transaction.atomic():
                upload.save(
                    update_fields=["errors", "summary", "checked_rows", "status", "processed_rows"]
                )
        except ImportFileError as exc:
            return _fail(upload, str(exc))
        except Exception:
            logger.exception("Checking enrolment import %s failed", import_id)
            return _fail(upload, _crash_message())
    return upload


def enrolment_import_run(*, import_id: str) -> EnrolmentImport | None:
    """Write the whole file in one transaction; any failure leaves the database as it was and the
    import failed, with a message, ready to be retried."""
    upload = (
        EnrolmentImport.objects.select_related(
            "engagement__employer__agency", "cohort", "uploaded_by"
        )
        .filter(public_id=import_id, status=ImportStatus.IMPORTING)
        .first()
    )
    if upload is None:
        return None
    with translation.override(_language_of(upload)):
        try:
            return _run_claimed(upload)
        except (IntegrityError, ValueError) as exc:
            return _fail(upload, str(exc))
        except Exception:
            logger.exception("Enrolment import %s failed", import_id)
            return _fail(upload, _crash_message())


def _run_claimed(upload: EnrolmentImport) -> EnrolmentImport | None:
    with transaction.atomic():
        # Claim the import: a second worker (or the CLI next to a worker) waits here and
        # then finds it no longer importing.
        claimed = (
            EnrolmentImport.objects.select_for_update()
            .filter(pk=upload.pk, status=ImportStatus.IMPORTING)
            .exists()
        )
        if not claimed:
            return None
        # One writer per engagement at a time (as candidate_enrol): an enrolment made by hand
        # meanwhile is seen by the re-check below instead of failing the import's insert.
        Engagement.objects.select_for_update().filter(pk=upload.engagement_id).first()
        rows = rows_from_json(json.loads(upload.checked_rows or "[]"))
        existing = existing_people(upload.engagement, [row.email for row in rows])
        errors = [
            error
            for row in rows
            for error in conflicts_with_database(
                row.row_number, row.email, row.employee_number, existing
            )
        ]
        if errors:
            # The database changed since the preview (someone enrolled the same person).
            upload.errors = [
                {"row": e.row, "column": e.column, "message": e.message} for e in errors
            ]
            upload.status = ImportStatus.VALIDATED
            upload.checked_rows = ""
            upload.save(update_fields=["errors", "status", "checked_rows"])
            return upload
        summary = write_rows(
            engagement=upload.engagement,
            cohort=upload.cohort,
            rows=rows,
            actor=upload.uploaded_by,
        )
        upload.status = ImportStatus.DONE
        upload.summary = {**upload.summary, **summary.as_dict()}
        upload.finished_at = timezone.now()
        upload.checked_rows = ""
        upload.failure = ""
        upload.save(update_fields=["status", "summary", "finished_at", "checked_rows", "failure"])
        audit_record(
            agency=upload.agency,
            actor=upload.uploaded_by,
            action="enrolment_import.finish",
            target=upload,
            data=summary.as_dict(),
        )
        transaction.on_commit(partial(_enqueue_invitations, summary.invitations or []))
    return upload
