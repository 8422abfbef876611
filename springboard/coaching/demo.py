"""Demo coaching for `springboard demo-data`: coach profiles and availability, a small workshop
catalogue with dates (one full, with a waiting list), sessions past and ahead with notes, and
personal budgets with an open request for an external course. Safe to run twice."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from springboard.coaching.models import (
    Availability,
    BudgetEntry,
    CoachProfile,
    Note,
    SeatStatus,
    Session,
    SessionMode,
    SessionStatus,
    TrainingRequest,
    Workshop,
    WorkshopDate,
    WorkshopSeat,
)
from springboard.programmes.models import RUNNING_STATUSES, Programme
from springboard.tenancy.models import Agency, Membership

# Catalogue entries: key → (title, description, format, minutes, price); texts in 4 languages.
CATALOGUE = {
    "cv-workshop": (
        {
            "en": "Writing a CV that works",
            "nl": "Een cv dat werkt",
            "da": "Et CV der virker",
            "nb": "En CV som virker",
        },
        {
            "en": "Half a day on structure, achievements and the first ten seconds of reading.",
            "nl": "Een halve dag over opbouw, resultaten en de eerste tien seconden lezen.",
            "da": "En halv dag om opbygning, resultater og de første ti sekunders læsning.",
            "nb": "En halv dag om oppbygging, resultater og de første ti sekundene med lesing.",
        },
        "workshop",
        210,
        Decimal("150.00"),
    ),
    "networking-module": (
        {
            "en": "Networking for your next job",
            "nl": "Netwerken naar je volgende baan",
            "da": "Netværk til dit næste job",
            "nb": "Nettverksbygging til neste jobb",
        },
        {
            "en": "Three sessions on mapping your network and asking for introductions.",
            "nl": "Drie bijeenkomsten over je netwerk in kaart brengen en om introducties vragen.",
            "da": "Tre møder om at kortlægge dit netværk og bede om introduktioner.",
            "nb": "Tre samlinger om å kartlegge nettverket ditt og be om introduksjoner.",
        },
        "module",
        540,
        Decimal("390.00"),
    ),
}
DEMO_ZONES = ("Europe/Copenhagen", "Europe/Oslo", "Europe/Amsterdam")


def _profiles(coaches: Sequence[Membership]) -> None:
    for index, coach in enumerate(coaches):
        CoachProfile.objects.get_or_create(
            coach=coach,
            defaults={
                "bio": "Career coach with a background in HR and recruitment.",
                "languages": "en,da,nb,nl",
                "specialties": "Career change, interview training",
                "sectors": "Industry, IT, public sector",
                "location": "Copenhagen",
                "capacity": 80,
                "time_zone": DEMO_ZONES[index % len(DEMO_ZONES)],
            },
        )
        if not Availability.objects.filter(coach=coach).exists():
            for weekday in range(5):
                Availability.objects.create(
                    coach=coach,
                    weekday=weekday,
                    start_time=datetime.time(9),
                    end_time=datetime.time(16),
                )


def _catalogue(agency: Agency) -> list[WorkshopDate]:
    dates = []
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for offset, (key, (title, text, kind, minutes, price)) in enumerate(CATALOGUE.items()):
        workshop, _created = Workshop.objects.get_or_create(
            agency=agency,
            key=key,
            defaults={
                "title": title,
                "description": text,
                "format": kind,
                "duration_minutes": minutes,
                "price_per_seat": price,
            },
        )
        date = workshop.dates.first() or WorkshopDate.objects.create(
            workshop=workshop,
            starts_at=now + datetime.timedelta(days=7 + 7 * offset),
            place="Main office, room 2",
            capacity=2 if offset == 0 else 12,
        )
        dates.append(date)
    return dates


def coaching_demo(
    agency: Agency, coaches: Sequence[Membership], candidates: Sequence[Membership]
) -> None:
    _profiles(coaches)
    dates = _catalogue(agency)
    programmes = list(
        Programme.objects.filter(
            agency=agency, candidate__in=candidates, status__in=RUNNING_STATUSES
        ).select_related("enrolment__engagement")
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for index, programme in enumerate(programmes):
        coach = programme.coaches.first()
        if coach is None or Session.objects.filter(programme=programme).exists():
            continue
        past = Session.objects.create(
            agency=agency,
            programme=programme,
            coach=coach,
            starts_at=now - datetime.timedelta(days=7),
            mode=SessionMode.IN_PERSON,
            place="Main office",
            status=SessionStatus.ATTENDED,
            created_by=coach,
        )
        Session.objects.create(
            agency=agency,
            programme=programme,
            coach=coach,
            starts_at=now + datetime.timedelta(days=3 + index),
            mode=SessionMode.VIDEO,
            video_link="https://meet.example.test/springboard-demo",
            status=SessionStatus.BOOKED,
            created_by=coach,
        )
        Note.objects.create(
            programme=programme,
            session=past,
            author=coach,
            text="Good first conversation; focus on the CV next.",
            shared_with_candidate=True,
        )
        Note.objects.create(
            programme=programme,
            session=past,
            author=coach,
            text="Still upset about the dismissal; check in on wellbeing.",
            shared_with_candidate=False,
        )
        budget = programme.enrolment.engagement.budget_amount or Decimal("2500.00")
        BudgetEntry(
            programme=programme,
            category="grant",
            amount=budget,
            description="Personal budget of the engagement",
        ).save()
        seat_status = SeatStatus.BOOKED if index < dates[0].capacity else SeatStatus.WAITLISTED
        WorkshopSeat.objects.get_or_create(
            date=dates[0],
            programme=programme,
            defaults={"status": seat_status, "enrolled_by": coach},
        )
        if index == 0:
            TrainingRequest.objects.create(
                programme=programme,
                title="Project management foundation course",
                provider="Nordic Training Academy",
                quote_amount=Decimal("1200.00"),
                motivation="Many vacancies in my field ask for it.",
                requested_by=programme.candidate,
            )
