"""Demo data: a small, believable network for each demo candidate (called from demo data)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from springboard.network.models import Channel, Circle, Contact, Purpose, Strength
from springboard.network.services import contact_create, interaction_record
from springboard.tenancy.models import Agency, Membership

_PEOPLE = (
    ("Mette Kjær", "Nordlys Logistik", "Head of Operations", Circle.COLLEAGUES, Strength.STRONG),
    ("Jonas Vik", "Havbris AS", "Planning Manager", Circle.MANAGERS, Strength.MEDIUM),
    ("Sanne de Vries", "Polderdata BV", "Purchasing Lead", Circle.CUSTOMERS, Strength.MEDIUM),
    ("Lars Holm", "Aarhus University", "Lecturer", Circle.EDUCATION, Strength.WEAK),
    ("Ingrid Berg", "Talentbro Rekruttering", "Senior Recruiter", Circle.RECRUITERS, Strength.WEAK),
    ("Peter Nielsen", "", "", Circle.FRIENDS, Strength.STRONG),
    ("Anouk Jansen", "Logistics Network NL", "Board member", Circle.ASSOCIATIONS, Strength.WEAK),
    ("Erik Sørensen", "Nordlys Logistik", "Controller", Circle.COLLEAGUES, Strength.MEDIUM),
    ("Kari Nordmann", "", "", Circle.UNSORTED, Strength.WEAK),
)


def network_demo(agency: Agency, candidates: Iterable[Membership]) -> None:
    """Contacts and two outreach messages (one with a follow-up) for each candidate of `agency`
    that has no network yet; running it again adds nothing."""
    today = timezone.localdate()
    for candidate in candidates:
        if candidate.agency_id != agency.pk or Contact.objects.filter(owner=candidate).exists():
            continue
        made = [
            contact_create(
                owner=candidate,
                full_name=name,
                company=company,
                job_title=title,
                circle=circle,
                strength=strength,
            )
            for name, company, title, circle, strength in _PEOPLE
        ]
        interaction_record(
            contact=made[0],
            actor=candidate,
            channel=Channel.EMAIL,
            date=today - datetime.timedelta(days=3),
            purpose=Purpose.ADVICE,
            outcome="",
            follow_up_due=today + datetime.timedelta(days=4),
        )
        interaction_record(
            contact=made[4],
            actor=candidate,
            channel=Channel.LINKEDIN,
            date=today - datetime.timedelta(days=1),
            purpose=Purpose.FIRST_CONTACT,
        )
