"""Demo programmes for `springboard demo-data`: candidates at different points of their journey."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from springboard.employers.models import Engagement, Enrolment
from springboard.programmes.content import load_shipped_templates
from springboard.programmes.models import (
    Intake,
    PlanItem,
    PlanItemKind,
    Programme,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services import (
    intake_complete,
    plan_item_set_done,
    programme_create,
)
from springboard.tenancy.models import Agency, Employer, Membership
from springboard.tenancy.roles import Role

# candidate e-mail → (coach e-mail, template key, intake language or None, days since start)
DEMO_PROGRAMMES = {
    "mette.jensen@mail.example": ("coach.ingrid@nordlys.example", "five-steps", "da", 10),
    "ole.hansen@mail.example": ("coach.ingrid@nordlys.example", "five-steps", "nb", 60),
    "sanne.bakker@mail.example": ("coach.maarten@nordlys.example", "module-programme", "nl", 5),
    "james.wright@mail.example": (
        "coach.maarten@nordlys.example",
        "foundation-opportunities-action",
        None,
        2,
    ),
    "freja.nielsen@mail.example": (
        "coach.ingrid@nordlys.example",
        "foundation-opportunities-action",
        None,
        1,
    ),
}
# Ole has not logged in or done anything for 20 days: the caseload flags him.
INACTIVE_CANDIDATE = "ole.hansen@mail.example"
INACTIVE_DAYS = 20


def _answers(language: str) -> Intake:
    jobs = {"da": "Lagerchef", "nb": "Logistikkoordinator", "nl": "Teamleider logistiek"}
    return Intake(
        job_sought=jobs.get(language, "Logistics team lead"),
        dismissal_processing="yes" if language == "nb" else "no",
        skills="Planning, people management, warehouse systems",
        training_need="course",
        training_detail="Lean six sigma",
        region="Aarhus" if language == "da" else "",
        travel_radius_km=40,
        hours="full_time",
        pay_expectation="",
        sector_change=language == "nl",
        self_employment="no",
    )


def load_demo_programmes(agency: Agency, employer: Employer) -> None:
    """Create the demo programmes that do not exist yet; running it twice changes nothing."""
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    today = timezone.localdate()
    engagement, _created = Engagement.objects.get_or_create(
        agency=agency,
        employer=employer,
        name="Omstrukturering 2026",
        defaults={"start_date": today - datetime.timedelta(days=90), "duration_months": 6},
    )
    admin = Membership.objects.filter(agency=agency, role=Role.ADMIN, is_active=True).first()
    if admin is None:
        return
    members = {
        m.user.email: m for m in Membership.objects.select_related("user").filter(agency=agency)
    }
    for email, (coach_email, key, language, days) in DEMO_PROGRAMMES.items():
        candidate, coach = members.get(email), members.get(coach_email)
        if candidate is None or coach is None:
            continue
        enrolment, _created = Enrolment.objects.get_or_create(
            agency=agency, engagement=engagement, candidate=candidate
        )
        if Programme.objects.filter(enrolment=enrolment).exists():
            continue
        version = (
            ProgrammeTemplateVersion.objects.filter(template__agency=None, template__key=key)
            .order_by("-number")
            .first()
        )
        assert version is not None
        start = today - datetime.timedelta(days=days)
        programme = programme_create(
            enrolment=enrolment,
            actor=admin,
            template_version=version,
            coaches=[coach],
            start_date=start,
        )
        if language is None:
            continue
        intake_complete(
            programme=programme, actor=coach, answers=_answers(language), language=language
        )
        tasks = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK)
        # Date the plan from the programme's start, as if the intake had been held then.
        tasks.update(due_date=F("due_date") - datetime.timedelta(days=days))
        for task in tasks.order_by("due_date")[:2]:
            plan_item_set_done(item=task, actor=candidate, done=True)
        if email == INACTIVE_CANDIDATE:
            idle_since = timezone.now() - datetime.timedelta(days=INACTIVE_DAYS)
            Programme.objects.filter(pk=programme.pk).update(last_activity_at=idle_since)
            candidate.user.last_login = idle_since
            candidate.user.save(update_fields=["last_login"])
