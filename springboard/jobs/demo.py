"""Demo data: a small JobPosting feed for the agency and, for each demo candidate, a pipeline
with a saved vacancy, an application that has gone quiet, and one in interviews (called from
the home app's demo data)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable

from django.utils import timezone

from springboard.jobs.models import Application, Status, Vacancy
from springboard.jobs.services import (
    application_create,
    application_move,
    interview_schedule,
    vacancies_import,
)
from springboard.tenancy.models import Agency, Membership

_FEED = [
    ("Logistics planner", "Nordlys Logistik", "Aarhus", "Midtjylland", 37, 38000, "DKK"),
    ("Warehouse team leader", "Havbris AS", "Bergen", "Vestland", 37.5, 52000, "NOK"),
    ("Purchasing officer", "Polderdata BV", "Utrecht", "Utrecht", 36, 4200, "EUR"),
    ("Payroll administrator", "Fjordbank", "Oslo", "Oslo", 37.5, 48000, "NOK"),
    ("Customer service lead", "Talentbro", "Odense", "Syddanmark", 37, 36000, "DKK"),
    ("Supply chain analyst", "Nordlys Logistik", "Aarhus", "Midtjylland", 37, 41000, "DKK"),
]


def _feed() -> bytes:
    postings = [
        {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": title,
            "description": (
                f"<p>{employer} is looking for a {title.lower()} in {place}.</p>"
                "<ul><li>Planning and coordination</li><li>Working with suppliers</li>"
                "<li>Reporting to management</li></ul>"
            ),
            "hiringOrganization": {"@type": "Organization", "name": employer},
            "jobLocation": {
                "@type": "Place",
                "address": {"addressLocality": place, "addressRegion": region},
            },
            "workHours": hours,
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": currency,
                "value": {"@type": "QuantitativeValue", "value": pay, "unitText": "MONTH"},
            },
            "url": f"https://jobs.example/demo/{n}",
        }
        for n, (title, employer, place, region, hours, pay, currency) in enumerate(_FEED)
    ]
    return json.dumps(postings).encode()


def jobs_demo(agency: Agency, candidates: Iterable[Membership]) -> None:
    """The feed (a re-run changes nothing) and a pipeline for each candidate of `agency` who
    has no applications yet."""
    vacancies_import(agency=agency, files=[("demo-feed.jsonld", _feed())])
    vacancies = list(Vacancy.objects.filter(agency=agency, owner=None).order_by("pk")[:3])
    if len(vacancies) < 3:
        return
    now = timezone.now()
    for candidate in candidates:
        if candidate.agency_id != agency.pk or Application.objects.filter(owner=candidate).exists():
            continue
        application_create(owner=candidate, vacancy=vacancies[0])
        quiet = application_create(owner=candidate, vacancy=vacancies[1])
        application_move(application=quiet, status=Status.APPLIED)
        # Sent four weeks ago without an answer: the "gone quiet" clock and an overdue follow-up.
        Application.objects.filter(pk=quiet.pk).update(
            status_changed_at=now - datetime.timedelta(days=28),
            follow_up_on=timezone.localdate(now) - datetime.timedelta(days=21),
        )
        interviewing = application_create(owner=candidate, vacancy=vacancies[2])
        application_move(application=interviewing, status=Status.APPLIED)
        interview_schedule(
            application=interviewing,
            starts_at=now + datetime.timedelta(days=3, hours=2),
            minutes=60,
            kind="video",
            location="Teams",
        )
