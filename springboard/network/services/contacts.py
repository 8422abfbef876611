"""Contacts: added by hand, edited, sorted into circles, merged, deleted."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.network.models import Circle, Contact, ContactKey, ContactSource
from springboard.network.services.plan import network_mapped_check
from springboard.tenancy.models import Membership

MAX_CONTACTS_PER_CANDIDATE = 20_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40

EDITABLE_FIELDS = (
    "full_name",
    "company",
    "job_title",
    "circle",
    "strength",
    "how_we_know",
    "last_contact",
    "profile_url",
    "notes",
)


def normalise_tags(text: str) -> str:
    """ "Finance, mentor ,finance" → ",finance,mentor,": lower case, no repeats, bounded."""
    tags: list[str] = []
    for raw in text.split(","):
        tag = " ".join(raw.casefold().split())[:MAX_TAG_CHARS]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(_("At most %(n)s tags.") % {"n": MAX_TAGS}, field="tags")
    return f",{','.join(tags)}," if tags else ""


def _require_owner(contact: Contact, actor: Membership) -> None:
    if contact.owner_id != actor.pk:
        raise DomainError(_("Only the candidate can change their network."))


def _check_circle(circle: str) -> None:
    if circle not in Circle.values:
        raise DomainError(_("Choose one of the circles."), field="circle")


@transaction.atomic
def contact_create(
    *,
    owner: Membership,
    full_name: str,
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    tags: str = "",
    **fields: Any,
) -> Contact:
    if not full_name.strip():
        raise DomainError(_("Enter a name."), field="full_name")
    if Contact.objects.filter(owner=owner).count() >= MAX_CONTACTS_PER_CANDIDATE:
        raise DomainError(_("Your network has reached its size limit."))
    _check_circle(fields.get("circle", Circle.UNSORTED))
    contact = Contact(
        owner=owner,
        full_name=full_name.strip(),
        emails=emails or [],
        phones=phones or [],
        tags=normalise_tags(tags),
        source=fields.pop("source", ContactSource.MANUAL),
        **{name: value for name, value in fields.items() if name in EDITABLE_FIELDS},
    )
    contact.full_clean()
    contact.save()
    network_mapped_check(owner)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, actor: Membership, tags: str | None = None, **fields: Any
) -> Contact:
    _require_owner(contact, actor)
    if "circle" in fields:
        _check_circle(fields["circle"])
    for name, value in fields.items():
        if name in EDITABLE_FIELDS or name in {"emails", "phones"}:
            setattr(contact, name, value.strip() if isinstance(value, str) else value)
    if tags is not None:
        contact.tags = normalise_tags(tags)
    if not contact.full_name:
        raise DomainError(_("Enter a name."), field="full_name")
    contact.full_clean()
    contact.save()
    network_mapped_check(actor)
    return contact


def contact_set_circle(
    *, contact: Contact, actor: Membership, circle: str, strength: int | None = None
) -> Contact:
    fields: dict[str, Any] = {"circle": circle}
    if strength is not None:
        fields["strength"] = strength
    return contact_update(contact=contact, actor=actor, **fields)


@transaction.atomic
def contact_delete(*, contact: Contact, actor: Membership) -> None:
    _require_owner(contact, actor)
    contact.delete()


def _later(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    return max((d for d in (a, b) if d is not None), default=None)


@transaction.atomic
def contact_merge(*, keep: Contact, duplicate: Contact, actor: Membership) -> Contact:
    """Fold `duplicate` into `keep`: blanks filled, addresses and tags joined, the outreach, drafts
    and import keys moved (so a re-import does not bring the duplicate back); then delete it."""
    _require_owner(keep, actor)
    _require_owner(duplicate, actor)
    if keep.pk == duplicate.pk:
        raise DomainError(_("Choose another contact to merge."), field="duplicate")
    for name in ("company", "job_title", "how_we_know", "profile_url", "notes"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(duplicate, name))
    if keep.circle == Circle.UNSORTED:
        keep.circle = duplicate.circle
    keep.strength = max(keep.strength, duplicate.strength)
    keep.last_contact = _later(keep.last_contact, duplicate.last_contact)
    keep.connected_on = keep.connected_on or duplicate.connected_on
    keep.emails = list(dict.fromkeys([*keep.emails, *duplicate.emails]))
    keep.phones = list(dict.fromkeys([*keep.phones, *duplicate.phones]))
    keep.tags = normalise_tags(",".join([*keep.tag_list, *duplicate.tag_list]))
    keep.save()
    ContactKey.objects.filter(contact=duplicate).update(contact=keep)
    duplicate.interactions.update(contact=keep)
    # A draft in a language `keep` already has stays with `keep`; the duplicate's goes with it.
    kept_languages = set(keep.drafts.values_list("language", flat=True))
    duplicate.drafts.exclude(language__in=kept_languages).update(contact=keep)
    duplicate.delete()
    network_mapped_check(actor)
    return keep
