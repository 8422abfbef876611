"""Writes about employers, engagements, cohorts, their preparation, and enrolment."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from springboard.accounts.models import Invitation
from springboard.accounts.services import Invitee, candidate_invitations_ensure
from springboard.employers import tasks
from springboard.employers.importing.fields import FIELDS, REQUIRED_KEYS, guess_mapping
from springboard.employers.importing.reading import (
    ImportFileError,
    Table,
    check_file,
    read_table,
    storable,
    table_from_values,
)
from springboard.employers.importing.validation import (
    conflicts_with_database,
    rows_from_json,
    rows_to_json,
    validate_table,
)
from springboard.employers.importing.writing import write_rows
from springboard.employers.invitation_sheet import SheetEntry
from springboard.employers.models import (
    ChecklistOwner,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Cohort,
    CohortTask,
    ColumnMapping,
    Employer,
    Engagement,
    Enrolment,
    EnrolmentImport,
    ImportStatus,
)
from springboard.employers.selectors import existing_people, preview_counts
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import ProgrammeTemplate
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

INVITATION_TASK_CHUNK = 500
logger = logging.getLogger(__name__)

# The preparation steps an agency starts with; agencies edit their own copy.
DEFAULT_CHECKLIST = (
    (gettext_noop("Plan the notice conversations"), ChecklistOwner.AGENCY, 14),
    (gettext_noop("Brief the managers who give the notice"), ChecklistOwner.EMPLOYER, 7),
    (gettext_noop("Agree the internal and external communication"), ChecklistOwner.EMPLOYER, 7),
    (gettext_noop("Enrol the people affected"), ChecklistOwner.AGENCY, 3),
    (gettext_noop("Print the day-0 invitations"), ChecklistOwner.AGENCY, 1),
    (
        gettext_noop("Hand out the invitations at the notice conversations"),
        ChecklistOwner.EMPLOYER,
        0,
    ),
)


def _save(instance: Any, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(instance, key, value)
    instance.full_clean()
    try:
        instance.save()
    except IntegrityError as exc:  # a concurrent duplicate that full_clean could not see yet
        raise DomainError(_("This name is already in use.")) from exc


@transaction.atomic
def employer_save(
    *,
    agency: Agency,
    actor: Membership,
    name: str,
    registration_number: str = "",
    employer: Employer | None = None,
) -> Employer:
    name = name.strip()
    duplicate = Employer.objects.filter(agency=agency, name__iexact=name)
    if employer is not None:
        duplicate = duplicate.exclude(pk=employer.pk)
    if duplicate.exists():
        raise DomainError(_("An employer with this name already exists."), field="name")
    created = employer is None
    employer = employer or Employer(agency=agency)
    _save(employer, name=name, registration_number=registration_number.strip())
    audit_record(
        agency=agency,
        actor=actor.user,
        action="employer.create" if created else "employer.update",
        target=employer,
    )
    return employer


@transaction.atomic
def engagement_save(
    *,
    employer: Employer,
    actor: Membership,
    name: str,
    start_date: date,
    duration_months: int,
    budget_amount: Decimal,
    budget_currency: str,
    reporting_level: str,
    contacts: list[Membership],
    engagement: Engagement | None = None,
    programme_template: ProgrammeTemplate | None = None,
) -> Engagement:
    if any(c.employer_id != employer.pk for c in contacts):
        raise DomainError(_("Contact persons must work for this employer."), field="contacts")
    duplicate = Engagement.objects.filter(employer=employer, name__iexact=name.strip())
    if engagement is not None:
        duplicate = duplicate.exclude(pk=engagement.pk)
    if duplicate.exists():
        raise DomainError(
            _("This employer already has an engagement with this name."), field="name"
        )
    if programme_template is not None and programme_template.agency_id not in (
        None,
        employer.agency_id,
    ):
        raise DomainError(_("Choose a template of this agency."), field="programme_template")
    created = engagement is None
    engagement = engagement or Engagement(agency_id=employer.agency_id, employer=employer)
    _save(
        engagement,
        name=name.strip(),
        start_date=start_date,
        duration_months=duration_months,
        budget_amount=budget_amount,
        budget_currency=budget_currency,
        reporting_level=reporting_level,
        programme_template=programme_template,
    )
    engagement.contacts.set(contacts)
    audit_record(
        agency=employer.agency,
        actor=actor.user,
        action="engagement.create" if created else "engagement.update",
        target=engagement,
        data={"reporting_level": reporting_level},
    )
    return engagement


def checklist_template_of(agency: Agency) -> ChecklistTemplate:
    """The agency's checklist template, created from the defaults on first use."""
    template, created = ChecklistTemplate.objects.get_or_create(agency=agency)
    if created:
        ChecklistTemplateItem.objects.bulk_create(
            ChecklistTemplateItem(
                template=template,
                title=_(title),
                owner=owner,
                days_before_notice=days,
                position=index,
            )
            for index, (title, owner, days) in enumerate(DEFAULT_CHECKLIST)
        )
    return template


@transaction.atomic
def checklist_template_save(
    *, agency: Agency, actor: Membership, items: list[dict[str, Any]]
) -> ChecklistTemplate:
    template = checklist_template_of(agency)
    template.items.all().delete()
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(template=template, position=index, **item)
        for index, item in enumerate(items)
    )
    template.save(update_fields=["updated_at"])
    audit_record(
        agency=agency,
        actor=actor.user,
        action="checklist_template.update",
        data={"items": len(items)},
    )
    return template


@transaction.atomic
def cohort_create(
    *,
    engagement: Engagement,
    actor: Membership,
    name: str,
    notice_date: date,
    expected_size: int,
    locations: str,
) -> Cohort:
    if Cohort.objects.filter(engagement=engagement, name__iexact=name.strip()).exists():
        raise DomainError(_("This engagement already has a cohort with this name."), field="name")
    cohort = Cohort(engagement=engagement)
    _save(
        cohort,
        name=name.strip(),
        notice_date=notice_date,
        expected_size=expected_size,
        locations=locations.strip(),
    )
    template = checklist_template_of(engagement.employer.agency)
    CohortTask.objects.bulk_create(
        CohortTask(
            cohort=cohort,
            title=item.title,
            description=item.description,
            owner_side=item.owner,
            due_date=notice_date - timedelta(days=item.days_before_notice),
            position=item.position,
        )
        for item in template.items.all()
    )
    audit_record(
        agency=engagement.employer.agency, actor=actor.user, action="cohort.create", target=cohort
    )
    return cohort


@transaction.atomic
def cohort_task_set_done(*, task: CohortTask, actor: Membership, done: bool) -> CohortTask:
    locked = CohortTask.objects.select_for_update().get(pk=task.pk)
    if done and locked.done_at is None:
        locked.done_at, locked.done_by = timezone.now(), actor.user
    elif not done:
        locked.done_at, locked.done_by = None, None
    locked.save(update_fields=["done_at", "done_by"])
    return locked


def _enqueue_invitations(invitation_ids: list[str]) -> None:
    for start in range(0, len(invitation_ids), INVITATION_TASK_CHUNK):
        tasks.send_candidate_invitations.enqueue(
            invitation_ids=invitation_ids[start : start + INVITATION_TASK_CHUNK]
        )


@transaction.atomic
def candidate_enrol(
    *, engagement: Engagement, cohort: Cohort | None, actor: Membership, values: dict[str, Any]
) -> Enrolment:
    """Enrol one person through the same validation and writer as a file import."""
    table = table_from_values(values)
    result = validate_table(
        table,
        {f.key: f.key for f in FIELDS},
        existing=existing_people(engagement, [values["email"]]),
        default_language=values.get("language") or "en",
    )
    if result.errors:
        error = result.errors[0]
        raise DomainError(f"{error.column}: {error.message}")
    summary = write_rows(engagement=engagement, cohort=cohort, rows=result.rows, actor=actor.user)
    enrolment = Enrolment.objects.select_related("candidate__user").get(
        engagement=engagement, candidate__user__email=result.rows[0].email
    )
    audit_record(
        agency=engagement.employer.agency,
        actor=actor.user,
        action="enrolment.create",
        target=enrolment,
        data=summary.as_dict(),
    )
    transaction.on_commit(partial(_enqueue_invitations, summary.invitations or []))
    return enrolment


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
    upload = EnrolmentImport.objects.create(
        agency=engagement.employer.agency,
        engagement=engagement,
        cohort=cohort,
        uploaded_by=actor.user,
        file_name=storable(file_name)[:200],
        file_kind=kind,
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
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
    upload = EnrolmentImport.objects.create(
        agency=engagement.employer.agency,
        engagement=engagement,
        cohort=cohort,
        uploaded_by=actor.user,
        file_name=storable(file_name)[:200],
        file_kind=kind,
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
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
            table = read_table(bytes(upload.content), upload.file_kind)
            # A retried import keeps the columns its uploader chose, where the file has them.
            chosen = {
                k: v
                for k, v in upload.mapping.items()
                if not k.startswith("_") and v in table.headers
            }
            if not chosen:
                remembered = ColumnMapping.objects.filter(
                    employer=upload.engagement.employer
                ).first()
                chosen = guess_mapping(table.headers, remembered.mapping if remembered else None)
            ready = all(chosen.get(key) for key in REQUIRED_KEYS)
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


@transaction.atomic
def enrolment_import_check(
    *, upload: EnrolmentImport, actor: Membership, mapping: dict[str, str]
) -> EnrolmentImport:
    locked = EnrolmentImport.objects.select_for_update().get(pk=upload.pk)
    if locked.status not in {ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED}:
        raise DomainError(_("This import is already running."))
    clean_mapping = {k: v for k, v in mapping.items() if v and v in locked.headers}
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
        table = read_table(bytes(upload.content), upload.file_kind)
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


@transaction.atomic
def enrolment_set_employer_consent(
    *, enrolment: Enrolment, actor: Membership, allowed: bool
) -> Enrolment:
    if enrolment.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate can give this consent."))
    enrolment.employer_may_see_status = allowed
    enrolment.save(update_fields=["employer_may_see_status", "updated_at"])
    audit_record(
        agency=enrolment.agency,
        actor=actor.user,
        action="enrolment.employer_consent",
        target=enrolment,
        data={"allowed": allowed},
    )
    return enrolment


def open_candidate_invitations(*, cohort: Cohort) -> list[SheetEntry]:
    """Open invitations of everyone enrolled in the cohort, for the printed day-0 sheet."""
    emails = list(
        Enrolment.objects.filter(cohort=cohort).values_list("candidate__user__email", flat=True)
    )
    invitations = (
        Invitation.objects.select_related("agency")
        .filter(
            agency_id=cohort.engagement.agency_id,
            email__in=emails,
            role=Role.CANDIDATE,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("full_name", "email")
    )
    employer_name = cohort.engagement.employer.name
    return [SheetEntry(invitation, employer_name) for invitation in invitations]


@transaction.atomic
def candidate_invitation_issue(*, enrolment: Enrolment, actor: Membership) -> SheetEntry:
    """The candidate's open invitation for the printed sheet, through the same path as
    enrolment: the open one, or a fresh one (e-mailed too) when the last has expired."""
    candidate = enrolment.candidate
    if candidate.joined_at is not None:
        # This agency's own facts only: whether the person joined *this* agency, under the name
        # this agency holds; nothing about their account or other agencies.
        raise DomainError(
            _("%(name)s has already accepted this agency's invitation; no invitation is needed.")
            % {"name": candidate.display_name}
        )
    made = candidate_invitations_ensure(
        agency=enrolment.agency,
        invitees=[Invitee(candidate.user.email, candidate.full_name, candidate.language)],
        actor=actor.user,
    )
    invitation = Invitation.objects.select_related("agency").get(
        agency_id=enrolment.agency_id,
        email=candidate.user.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if made:
        audit_record(
            agency=enrolment.agency,
            actor=actor.user,
            action="invitation.create",
            target=invitation,
            data={"role": Role.CANDIDATE},
        )
        transaction.on_commit(partial(_enqueue_invitations, made))
    return SheetEntry(invitation, enrolment.engagement.employer.name)
