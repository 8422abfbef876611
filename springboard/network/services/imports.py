"""Importing contact files: a preview first (nothing written but the upload), then the import.

Idempotent: each person carries keys (profile address, e-mail addresses, else name at company);
a person found again only gains what is missing (a company, an address, a phone), so importing the
same file twice changes nothing the second time, and what the candidate edited is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.lib.stored_files import delete_on_commit, read_stored, save_private
from springboard.network.importing import (
    LINKEDIN,
    ParsedContact,
    ParsedFile,
    Skipped,
    read_contacts_file,
)
from springboard.network.models import Contact, ContactImport, ContactKey, ContactSource
from springboard.network.services.plan import network_mapped_check
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership

_FILLABLE = ("company", "job_title", "profile_url", "notes", "connected_on")


@dataclass
class PlannedContact:
    parsed: ParsedContact
    existing: Contact | None
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    kind: str
    planned: list[PlannedContact]
    skipped: list[Skipped]

    @property
    def created(self) -> int:
        return sum(1 for p in self.planned if p.existing is None)

    @property
    def updated(self) -> int:
        return sum(1 for p in self.planned if p.existing is not None and p.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.planned if p.existing is not None and not p.changes)


def _fill(contact: Contact, parsed: ParsedContact) -> list[str]:
    """Apply what `parsed` adds to `contact` (in memory); the names of the fields it changed."""
    changed = []
    for name in _FILLABLE:
        value = getattr(parsed, name)
        if value and not getattr(contact, name):
            setattr(contact, name, value)
            changed.append(name)
    for name in ("emails", "phones"):
        current: list[str] = list(getattr(contact, name))
        added = [v for v in getattr(parsed, name) if v not in current]
        if added:
            setattr(contact, name, (current + added)[:10])
            changed.append(name)
    return changed


def plan_import(owner: Membership, parsed: ParsedFile) -> ImportResult:
    """What importing `parsed` would do, without writing: new people, and what each known one
    gains. Two rows of one file naming the same person become one contact."""
    all_keys = {key for person in parsed.contacts for key in person.match_keys()}
    known = (
        dict(
            ContactKey.objects.filter(owner=owner, key__in=all_keys).values_list(
                "key", "contact_id"
            )
        )
        if len(all_keys) <= 900
        else dict(ContactKey.objects.filter(owner=owner).values_list("key", "contact_id"))
    )
    contacts = Contact.objects.in_bulk(set(known.values()))
    planned: list[PlannedContact] = []
    in_file: dict[str, PlannedContact] = {}
    for person in parsed.contacts:
        keys = person.match_keys()
        earlier = next((in_file[k] for k in keys if k in in_file), None)
        if earlier is not None:
            if earlier.existing is None:
                for name in _FILLABLE:
                    if not getattr(earlier.parsed, name):
                        setattr(earlier.parsed, name, getattr(person, name))
                earlier.parsed.emails = list(dict.fromkeys(earlier.parsed.emails + person.emails))
                earlier.parsed.phones = list(dict.fromkeys(earlier.parsed.phones + person.phones))
            else:
                earlier.changes = list(
                    dict.fromkeys(earlier.changes + _fill(earlier.existing, person))
                )
            for key in keys:
                in_file[key] = earlier
            continue
        contact_id = next((known[k] for k in keys if k in known), None)
        existing = contacts.get(contact_id) if contact_id is not None else None
        entry = PlannedContact(parsed=person, existing=existing)
        if existing is not None:
            entry.changes = _fill(existing, person)
        planned.append(entry)
        for key in keys:
            in_file[key] = entry
    return ImportResult(kind=parsed.kind, planned=planned, skipped=parsed.skipped)


def _parse(content: bytes) -> ParsedFile:
    return read_contacts_file(content)


@transaction.atomic
def _write(owner: Membership, result: ImportResult) -> None:
    source = ContactSource.LINKEDIN if result.kind == LINKEDIN else ContactSource.VCARD
    new = [
        Contact(
            owner=owner,
            full_name=p.parsed.full_name,
            company=p.parsed.company,
            job_title=p.parsed.job_title,
            emails=p.parsed.emails,
            phones=p.parsed.phones,
            profile_url=p.parsed.profile_url,
            notes=p.parsed.notes,
            connected_on=p.parsed.connected_on,
            source=source,
        )
        for p in result.planned
        if p.existing is None
    ]
    if Contact.objects.filter(owner=owner).count() + len(new) > 20_000:
        raise DomainError(_("Your network has reached its size limit."))
    Contact.objects.bulk_create(new, batch_size=500)
    changed = [p.existing for p in result.planned if p.existing is not None and p.changes]
    Contact.objects.bulk_update(
        changed,
        ["company", "job_title", "profile_url", "notes", "connected_on", "emails", "phones"],
        batch_size=500,
    )
    keys: list[ContactKey] = []
    new_iter = iter(new)  # bulk_create set the ids on these very objects, in `planned` order
    for p in result.planned:
        contact = p.existing if p.existing is not None else next(new_iter)
        keys.extend(ContactKey(owner=owner, contact=contact, key=k) for k in p.parsed.match_keys())
    ContactKey.objects.bulk_create(keys, batch_size=500, ignore_conflicts=True)


def contact_import_receive(
    *, owner: Membership, file_name: str, content: bytes
) -> tuple[ContactImport, ImportResult]:
    """Read an upload and keep it for the preview; raises ContactFileError for a file that is not
    a contact file. Nothing but the upload itself is written."""
    result = plan_import(owner, _parse(content))
    # One pending preview per candidate: a new upload replaces one never confirmed, so files
    # left in previews do not pile up.
    ContactImport.objects.filter(owner=owner, status=ContactImport.Status.PREVIEW).delete()
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    upload = ContactImport.objects.create(
        owner=owner,
        file_name=file_name[:255],
        content=save_private("contacts", content, extension=extension),
    )
    return upload, result


@transaction.atomic
def contact_import_apply(*, upload: ContactImport, actor: Membership) -> ImportResult:
    upload = ContactImport.objects.select_for_update().get(pk=upload.pk)
    if upload.owner_id != actor.pk:
        raise DomainError(_("Only the candidate can change their network."))
    if upload.status != ContactImport.Status.PREVIEW:
        raise DomainError(_("This file has already been imported."))
    result = plan_import(actor, _parse(read_stored(upload.content)))
    _write(actor, result)
    upload.status = ContactImport.Status.APPLIED
    delete_on_commit(upload.content)
    upload.content = ""
    upload.created, upload.updated = result.created, result.updated
    upload.save(update_fields=["status", "content", "created", "updated"])
    _imported(actor, result)
    return result


@transaction.atomic
def contacts_import_now(*, owner: Membership, content: bytes) -> ImportResult:
    """Read and import in one step (the API): the same result as a confirmed preview."""
    result = plan_import(owner, _parse(content))
    _write(owner, result)
    _imported(owner, result)
    return result


def _imported(owner: Membership, result: ImportResult) -> None:
    audit_record(
        agency=owner.agency,
        actor=owner.user,
        action="network.import",
        target=owner,
        data={"kind": result.kind, "created": result.created, "updated": result.updated},
    )
    network_mapped_check(owner)
