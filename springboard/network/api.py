"""The candidate's network over the API (mounted under /api/v1/): contacts, their import,
interactions, and the job-search activity log. Only the candidate reaches their own network;
everyone else gets the 403/404 of the same access layer as the pages."""

from __future__ import annotations

import datetime
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router, Schema, Status, UploadedFile
from ninja.security import django_auth
from pydantic import Field, HttpUrl

from springboard.employers.api import TextIn
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.dates import ApiDate
from springboard.lib.errors import DomainError
from springboard.network import access, activity_log, selectors, services
from springboard.network.importing import MAX_BYTES, ContactFileError
from springboard.network.models import (
    ActivityKind,
    Channel,
    Circle,
    Contact,
    HowApplied,
    Interaction,
    Purpose,
    Strength,
)
from springboard.tenancy.access import require
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["network"])

Short = Annotated[str, Field(max_length=200)]


def _model_rules(error: ValidationError) -> DomainError:
    fields = list(getattr(error, "error_dict", {}))
    return DomainError("; ".join(error.messages), field=fields[0] if fields else None)


class ContactOut(Schema):
    id: UUID
    full_name: str
    company: str
    job_title: str
    circle: Circle
    strength: Strength
    how_we_know: str
    last_contact: datetime.date | None
    connected_on: datetime.date | None
    emails: list[str]
    phones: list[str]
    profile_url: str
    tags: list[str]
    notes: str
    source: str

    @staticmethod
    def of(contact: Contact) -> ContactOut:
        return ContactOut(
            id=contact.public_id,
            full_name=contact.full_name,
            company=contact.company,
            job_title=contact.job_title,
            circle=Circle(contact.circle),
            strength=Strength(contact.strength),
            how_we_know=contact.how_we_know,
            last_contact=contact.last_contact,
            connected_on=contact.connected_on,
            emails=list(contact.emails),
            phones=list(contact.phones),
            profile_url=contact.profile_url,
            tags=contact.tag_list,
            notes=contact.notes,
            source=contact.source,
        )


class ContactPatch(TextIn):
    full_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    company: Short | None = None
    job_title: Short | None = None
    circle: Circle | None = None
    strength: Strength | None = None
    how_we_know: Annotated[str, Field(max_length=500)] | None = None
    last_contact: ApiDate | None = None
    emails: (
        Annotated[
            list[Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]],
            Field(max_length=10),
        ]
        | None
    ) = None
    phones: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=10)] | None = (
        None
    )
    profile_url: Annotated[HttpUrl, Field(max_length=500)] | None = None
    tags: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] | None = None
    notes: Annotated[str, Field(max_length=4000)] | None = None


class ContactIn(ContactPatch):
    full_name: Annotated[str, Field(min_length=1, max_length=200)]


def _contact_fields(payload: ContactPatch) -> tuple[dict[str, Any], str | None]:
    data = payload.dict(exclude_unset=True)
    tags = data.pop("tags", None)
    if "profile_url" in data:
        data["profile_url"] = str(data["profile_url"]) if data["profile_url"] else ""
    for name in ("company", "job_title", "how_we_know", "notes"):
        if name in data and data[name] is None:
            data[name] = ""
    if "circle" in data and data["circle"] is None:
        data["circle"] = Circle.UNSORTED
    if "strength" in data and data["strength"] is None:
        data.pop("strength")
    for name in ("emails", "phones"):
        if name in data and data[name] is None:
            data[name] = []
    if data.get("full_name") is None:
        data.pop("full_name", None)
    return data, ",".join(tags) if tags is not None else None


@router.get(
    "/a/{agency_slug}/contacts",
    response={200: list[ContactOut], **ERRORS},
    url_name="network_contacts",
)
def contact_list(
    request: HttpRequest,
    agency_slug: str,
    q: Annotated[str, Field(max_length=100)] = "",
    circle: Circle | None = None,
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
) -> list[ContactOut]:
    """The candidate's contacts by name; `q` searches name, company and role."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    contacts = selectors.contacts_of(
        viewer, search=q.replace("\x00", ""), circle=circle.value if circle else ""
    )
    return [ContactOut.of(c) for c in contacts[offset : offset + limit]]


@router.post(
    "/a/{agency_slug}/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    url_name="network_contact_create",
)
def contact_create(
    request: HttpRequest, agency_slug: str, payload: ContactIn
) -> Status[ContactOut]:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    data, tags = _contact_fields(payload)
    try:
        contact = services.contact_create(owner=viewer, tags=tags or "", **data)
    except ValidationError as error:
        raise _model_rules(error) from error
    return Status(201, ContactOut.of(contact))


class ContactImportSkippedOut(Schema):
    line: int
    reason: str


class ContactImportOut(Schema):
    created: int
    updated: int
    skipped: list[ContactImportSkippedOut]


@router.post(
    "/a/{agency_slug}/contacts/import",
    response={200: ContactImportOut, **WRITE_ERRORS},
    url_name="network_contact_import",
)
def contact_import(
    request: HttpRequest, agency_slug: str, file: File[UploadedFile | None] = None
) -> ContactImportOut:
    """Import LinkedIn's Connections.csv or a vCard file (3.0/4.0) at once, without preview.
    A line that cannot be imported is listed in `skipped` with the physical line where its row
    or card starts; a file that is not a contact file at all (or is over 5 MB) is a 400.
    Importing the same file again creates and updates nothing."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    if file is None:
        raise DomainError("Upload a file in the form field `file`.", field="file")
    if (file.size or 0) > MAX_BYTES:
        raise DomainError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="file")
    try:
        result = services.contacts_import_now(owner=viewer, content=file.read(MAX_BYTES + 1))
    except ContactFileError as error:
        raise DomainError(error.message, field="file") from error
    return ContactImportOut(
        created=result.created,
        updated=result.updated,
        skipped=[ContactImportSkippedOut(line=s.line, reason=s.reason) for s in result.skipped],
    )


@router.get(
    "/a/{agency_slug}/contacts/{contact_id}",
    response={200: ContactOut, **ERRORS},
    url_name="network_contact",
)
def contact_detail(request: HttpRequest, agency_slug: str, contact_id: UUID) -> ContactOut:
    return ContactOut.of(access.get_contact(request, contact_id))


@router.patch(
    "/a/{agency_slug}/contacts/{contact_id}",
    response={200: ContactOut, **WRITE_ERRORS},
    url_name="network_contact_update",
)
def contact_update(
    request: HttpRequest, agency_slug: str, contact_id: UUID, payload: ContactPatch
) -> ContactOut:
    contact = access.get_contact(request, contact_id)
    data, tags = _contact_fields(payload)
    try:
        contact = services.contact_update(
            contact=contact, actor=require(request, Cap.OWN_CANDIDATE_WORK), tags=tags, **data
        )
    except ValidationError as error:
        raise _model_rules(error) from error
    return ContactOut.of(contact)


@router.delete(
    "/a/{agency_slug}/contacts/{contact_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="network_contact_delete",
)
def contact_delete(request: HttpRequest, agency_slug: str, contact_id: UUID) -> Status[None]:
    contact = access.get_contact(request, contact_id)
    services.contact_delete(contact=contact, actor=require(request, Cap.OWN_CANDIDATE_WORK))
    return Status(204, None)


class InteractionOut(Schema):
    id: UUID
    contact: UUID
    channel: Channel
    date: datetime.date
    purpose: Purpose
    outcome: str
    follow_up_due: datetime.date | None
    follow_up_done: bool

    @staticmethod
    def of(interaction: Interaction, contact: Contact) -> InteractionOut:
        return InteractionOut(
            id=interaction.public_id,
            contact=contact.public_id,
            channel=Channel(interaction.channel),
            date=interaction.date,
            purpose=Purpose(interaction.purpose),
            outcome=interaction.outcome,
            follow_up_due=interaction.follow_up_due,
            follow_up_done=interaction.follow_up_done,
        )


class InteractionIn(TextIn):
    channel: Channel
    date: ApiDate
    purpose: Purpose
    outcome: Annotated[str, Field(max_length=500)] = ""
    follow_up_due: ApiDate | None = None


@router.get(
    "/a/{agency_slug}/contacts/{contact_id}/interactions",
    response={200: list[InteractionOut], **ERRORS},
    url_name="network_interactions",
)
def interaction_list(
    request: HttpRequest, agency_slug: str, contact_id: UUID
) -> list[InteractionOut]:
    contact = access.get_contact(request, contact_id)
    return [InteractionOut.of(i, contact) for i in selectors.interactions_of(contact)[:500]]


@router.post(
    "/a/{agency_slug}/contacts/{contact_id}/interactions",
    response={201: InteractionOut, **WRITE_ERRORS},
    url_name="network_interaction_create",
)
def interaction_create(
    request: HttpRequest, agency_slug: str, contact_id: UUID, payload: InteractionIn
) -> Status[InteractionOut]:
    contact = access.get_contact(request, contact_id)
    try:
        interaction = services.interaction_record(
            contact=contact,
            actor=require(request, Cap.OWN_CANDIDATE_WORK),
            channel=payload.channel.value,
            date=payload.date,
            purpose=payload.purpose.value,
            outcome=payload.outcome,
            follow_up_due=payload.follow_up_due,
        )
    except ValidationError as error:
        raise _model_rules(error) from error
    return Status(201, InteractionOut.of(interaction, contact))


class LogRowOut(Schema):
    date: datetime.date
    kind: ActivityKind
    category: str
    employer: str
    job_title: str
    how_applied: str
    result: str
    source: str


class ActivityIn(TextIn):
    date: ApiDate
    kind: ActivityKind
    employer: Short = ""
    job_title: Short = ""
    how_applied: HowApplied = HowApplied.NONE
    result: Annotated[str, Field(max_length=300)] = ""


class LoggedActivityOut(Schema):
    id: UUID
    date: datetime.date
    kind: ActivityKind
    employer: str
    job_title: str
    how_applied: HowApplied
    result: str


@router.get(
    "/a/{agency_slug}/activity-log",
    response={200: list[LogRowOut], **WRITE_ERRORS},
    url_name="activity_log",
)
def activity_log_rows(
    request: HttpRequest,
    agency_slug: str,
    start: ApiDate | None = None,
    end: ApiDate | None = None,
    service: activity_log.ServiceKey = "jobnet",
) -> list[LogRowOut]:
    """The job-search activities of a period (at most a year; without dates, the current week
    from Monday) from every source: activities recorded in the log and network outreach.
    `category` is the service's name for the kind, in the candidate's language."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    if start is None:
        today = timezone.localdate()
        start = today - datetime.timedelta(days=today.weekday())
    if end is None:
        end = start + datetime.timedelta(days=6)
    if end < start:
        raise DomainError("end is before start.", field="end")
    if (end - start).days >= activity_log.MAX_PERIOD_DAYS:
        raise DomainError("Choose a period of at most a year.", field="end")
    chosen = activity_log.SERVICES[service]
    rows = activity_log.log_rows(viewer, start, end)
    with activity_log.language_of(viewer):
        return [
            LogRowOut(
                date=row.date,
                kind=ActivityKind(row.kind),
                category=activity_log.category(chosen, row.kind),
                employer=row.employer,
                job_title=row.job_title,
                how_applied=row.how_applied,
                result=row.result,
                source=row.source,
            )
            for row in rows
        ]


@router.post(
    "/a/{agency_slug}/activity-log",
    response={201: LoggedActivityOut, **WRITE_ERRORS},
    url_name="activity_log_create",
)
def activity_create(
    request: HttpRequest, agency_slug: str, payload: ActivityIn
) -> Status[LoggedActivityOut]:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    try:
        activity = services.logged_activity_record(
            owner=viewer,
            date=payload.date,
            kind=payload.kind.value,
            employer=payload.employer,
            job_title=payload.job_title,
            how_applied=payload.how_applied.value,
            result=payload.result,
        )
    except ValidationError as error:
        raise _model_rules(error) from error
    return Status(
        201,
        LoggedActivityOut(
            id=activity.public_id,
            date=activity.date,
            kind=ActivityKind(activity.kind),
            employer=activity.employer,
            job_title=activity.job_title,
            how_applied=HowApplied(activity.how_applied),
            result=activity.result,
        ),
    )
