"""Reads of the network app. A candidate reads their own network; a coach reads a candidate's
network only while the candidate shares it and the coach coaches one of their programmes, and
every such read is audited (`shared_network_for_coach`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from springboard.network.models import (
    MAPPED_CIRCLES,
    Circle,
    Contact,
    Interaction,
    LoggedActivity,
    MessageDraft,
    Strength,
)
from springboard.privacy.consents.selectors import consent_for, events_of, has_consent
from springboard.privacy.models.consents import Consent, ConsentEvent, ConsentPurpose
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership

CONTACT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("full_name", "pk"),
    "-name": ("-full_name", "-pk"),
    "company": ("company", "full_name", "pk"),
    "strength": ("-strength", "full_name", "pk"),
    "last_contact": ("last_contact", "full_name", "pk"),
    "-last_contact": ("-last_contact", "full_name", "pk"),
}


def contacts_of(
    owner: Membership, *, search: str = "", circle: str = "", tag: str = "", sort: str = "name"
) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(owner=owner)
    if search:
        contacts = contacts.filter(
            Q(full_name__icontains=search)
            | Q(company__icontains=search)
            | Q(job_title__icontains=search)
        )
    if circle:
        contacts = contacts.filter(circle=circle)
    if tag:
        contacts = contacts.filter(tags__contains=f",{tag.casefold().strip()},")
    return contacts.order_by(*CONTACT_SORTS.get(sort, CONTACT_SORTS["name"]))


def interactions_of(contact: Contact) -> QuerySet[Interaction]:
    return contact.interactions.order_by("-date", "-pk")


def interactions_for(owner: Membership) -> QuerySet[Interaction]:
    return Interaction.objects.filter(owner=owner).select_related("contact")


def follow_ups_due(owner: Membership, *, today: datetime.date, days: int = 7) -> list[Interaction]:
    """Open follow-ups due within `days` (overdue ones first)."""
    return list(
        interactions_for(owner)
        .filter(
            follow_up_done=False,
            follow_up_due__isnull=False,
            follow_up_due__lte=today + datetime.timedelta(days=days),
        )
        .order_by("follow_up_due", "pk")[:50]
    )


def drafts_of(contact: Contact) -> dict[str, MessageDraft]:
    return {d.language: d for d in contact.drafts.all()}


@dataclass(frozen=True)
class MapRow:
    circle: Circle
    counts: tuple[int, ...]  # per Strength, weak → strong

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class NetworkMap:
    rows: list[MapRow]
    unsorted: int

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def gaps(self) -> list[Circle]:
        return [row.circle for row in self.rows if row.total == 0]

    @property
    def largest(self) -> int:
        return max((row.total for row in self.rows), default=0)


def network_map(owner: Membership) -> NetworkMap:
    counts = {
        (row["circle"], row["strength"]): row["n"]
        for row in Contact.objects.filter(owner=owner)
        .values("circle", "strength")
        .annotate(n=Count("pk"))
    }
    rows = [
        MapRow(
            circle=circle, counts=tuple(counts.get((circle.value, s.value), 0) for s in Strength)
        )
        for circle in MAPPED_CIRCLES
    ]
    unsorted = sum(n for (circle, _s), n in counts.items() if circle == Circle.UNSORTED)
    return NetworkMap(rows=rows, unsorted=unsorted)


def possible_duplicates(contact: Contact) -> list[Contact]:
    """Other contacts with the same name (any case), or with an e-mail address in common.

    Addresses are compared in Python: a JSON-list overlap has no portable lookup (SQLite and
    PostgreSQL differ), and a network holds a few thousand contacts at most.
    """
    others = Contact.objects.filter(owner_id=contact.owner_id).exclude(pk=contact.pk)
    matches = set(others.filter(full_name__iexact=contact.full_name).values_list("pk", flat=True))
    if contact.emails:
        addresses = set(contact.emails)
        matches.update(
            pk for pk, emails in others.values_list("pk", "emails") if addresses & set(emails)
        )
    return list(others.filter(pk__in=matches).order_by("full_name", "pk")[:20])


def introducers(owner: Membership, company: str) -> list[Contact]:
    """Who could introduce the candidate to `company`: contacts who work there, or whose notes,
    tags or how-we-know mention it; the strongest ties and most recent contacts first."""
    company = company.strip()
    if not company:
        return []
    return list(
        Contact.objects.filter(owner=owner)
        .filter(
            Q(company__icontains=company)
            | Q(how_we_know__icontains=company)
            | Q(notes__icontains=company)
            | Q(tags__icontains=company.casefold())
        )
        .order_by("-strength", "-last_contact", "full_name", "pk")[:50]
    )


def share_consent(owner: Membership) -> Consent | None:
    """The candidate's consent to show their network to their coaches (None: never asked)."""
    return consent_for(owner, ConsentPurpose.SHARE_NETWORK)


def share_history(consent: Consent | None) -> list[ConsentEvent]:
    """The newest changes of the share consent, for the candidate's sharing page."""
    return list(events_of(consent)[:20]) if consent is not None else []


def is_shared(owner: Membership) -> bool:
    return has_consent(owner, ConsentPurpose.SHARE_NETWORK)


# How much of a shared network one page shows a coach: the strongest ties, the latest outreach.
SHARED_CONTACTS_SHOWN = 500
SHARED_OUTREACH_SHOWN = 100


@dataclass(frozen=True)
class SharedNetwork:
    """What a coach sees of a candidate's shared network: the map, the contacts and the
    outreach history (newest first)."""

    map: NetworkMap
    people: list[Contact]
    outreach: list[Interaction]


def shared_network_for_coach(coach: Membership, candidate: Membership) -> SharedNetwork | None:
    """The candidate's network as their coach sees it, or None while it is not shared. Every
    read of a shared network is audited, naming what was read."""
    if not is_shared(candidate):
        return None
    audit_record(
        agency=coach.agency,
        actor=coach.user,
        action="network.read",
        target=candidate,
        data={"what": ["contacts", "outreach"]},
    )
    return SharedNetwork(
        map=network_map(candidate),
        people=list(contacts_of(candidate, sort="strength")[:SHARED_CONTACTS_SHOWN]),
        outreach=list(interactions_for(candidate).order_by("-date", "-pk")[:SHARED_OUTREACH_SHOWN]),
    )


def recorded_activities(
    owner: Membership, first: datetime.date, last: datetime.date
) -> list[LoggedActivity]:
    return list(
        LoggedActivity.objects.filter(owner=owner, date__range=(first, last)).order_by("date", "pk")
    )
