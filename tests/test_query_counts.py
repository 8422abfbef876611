"""Query counts of the pages and API endpoints P6's load exercises do not grow with the data.

Every page and endpoint of ``bench/load/locustfile.py`` is requested once with N rows of data and
once after the data grew to 3N: more candidates on the coach's caseload, more applications of the
signed-in candidate and of a coached one, more vacancies in the agency, more skills and jobs on
the candidate's profile, more tasks in the plan and more activity. The number of queries must be
the same both times (an N+1 shows as a difference) and stay under a bound.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from springboard.accounts.api_tokens.services import api_token_create
from springboard.accounts.models import User
from springboard.employers.models import Engagement, Enrolment
from springboard.jobs.models import Application, Status, Vacancy
from springboard.jobs.services import application_create
from springboard.profiles.models import CareerEntry
from springboard.profiles.services import profile_ensure, skill_add
from springboard.programmes.demo import _answers
from springboard.programmes.models import (
    ActivityEntry,
    ActivityKind,
    PlanItem,
    PlanItemKind,
    Programme,
)
from springboard.programmes.services import intake_complete
from springboard.taxonomy.models import Skill
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import AgencyWorld, World, make_programme

BASE = 8  # N; the second measurement is at 3N
MAX_QUERIES = 25  # a sane bound for any one page or endpoint (16 at most when written)

_serial = iter(range(1, 1_000_000))


class Scene:
    """Agency A of the world with a candidate mid-programme and a coach with a caseload."""

    def __init__(self, side: AgencyWorld) -> None:
        self.side = side
        self.programme = make_programme(side, template_key="five-steps")
        intake_complete(
            programme=self.programme, actor=side.coach, answers=_answers("da"), language="da"
        )
        self.coached = make_programme(side, candidate=side.candidate2, template_key="five-steps")
        intake_complete(
            programme=self.coached, actor=side.coach, answers=_answers("nb"), language="nb"
        )
        self.profile = profile_ensure(side.candidate)
        self.token = api_token_create(
            membership=side.coach,
            actor=side.coach.user,
            name="query counts",
            scope="read",
            expires_on=timezone.localdate() + datetime.timedelta(days=10),
        ).plaintext

    def grow(self, n: int) -> None:
        """Add n of everything the pages list or count."""
        side, now = self.side, timezone.now()
        engagement = Engagement.objects.get(agency=side.agency, name="Programme engagement")
        users = User.objects.bulk_create(
            User(email=f"grown{next(_serial)}@example.test", full_name=f"Grown {k}")
            for k in range(n)
        )
        members = Membership.objects.bulk_create(
            Membership(agency=side.agency, user=u, role=Role.CANDIDATE, full_name=u.full_name)
            for u in users
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(agency=side.agency, engagement=engagement, candidate=m) for m in members
        )
        programmes = Programme.objects.bulk_create(
            Programme(
                agency=side.agency,
                enrolment=e,
                candidate=e.candidate,
                template_version=self.programme.template_version,
                start_date=timezone.localdate() - datetime.timedelta(days=k),
                planned_end_date=timezone.localdate() + datetime.timedelta(days=90),
                status="active",
                progress_percent=k % 100,
                last_activity_at=now,
            )
            for k, e in enumerate(enrolments)
        )
        for programme in programmes:
            programme.coaches.add(side.coach)
        vacancies = Vacancy.objects.bulk_create(
            Vacancy(
                agency=side.agency,
                title=f"Logistics planner {next(_serial)}",
                employer=f"Company {k}",
                place="Aarhus",
                source="manual",
                duplicate_key=f"grown-{uuid.uuid4()}",
            )
            for k in range(n)
        )
        for vacancy in vacancies:
            application_create(owner=side.candidate, vacancy=vacancy)
        Application.objects.bulk_create(
            Application(
                owner=side.candidate2,
                vacancy=v,
                title=v.title,
                employer=v.employer,
                status=Status.APPLIED,
                status_changed_at=now,
            )
            for v in vacancies
        )
        skills = Skill.objects.bulk_create(
            Skill(
                public_id=uuid.uuid4(),
                uri=f"urn:test:skill:{next(_serial)}",
                names={"en": f"Grown skill {k}"},
                updated_at=now,
            )
            for k in range(n)
        )
        job = CareerEntry.objects.create(
            profile=self.profile, title="Warehouse operator", employer="Lager A/S", start_year=2015
        )
        for skill in skills:
            skill_add(profile=self.profile, skill=skill, career_entry=job)
        CareerEntry.objects.bulk_create(
            CareerEntry(profile=self.profile, title=f"Job {k}", employer="Firm", start_year=2000)
            for k in range(n)
        )
        for programme in (self.programme, self.coached):
            milestone = PlanItem.objects.filter(
                programme=programme, kind=PlanItemKind.MILESTONE
            ).first()
            assert milestone is not None
            PlanItem.objects.bulk_create(
                PlanItem(
                    programme=programme,
                    phase_id=milestone.phase_id,
                    parent=milestone,
                    kind=PlanItemKind.TASK,
                    title=f"Extra task {next(_serial)}",
                    position=100 + k,
                    due_date=timezone.localdate() + datetime.timedelta(days=k),
                )
                for k in range(n)
            )
            ActivityEntry.objects.bulk_create(
                ActivityEntry(programme=programme, kind=ActivityKind.TASK_DONE, data={})
                for _ in range(n)
            )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count(request: Callable[[], object]) -> int:
    request()  # warm up: the session, content types, translations
    with CaptureQueriesContext(connection) as queries:
        response = request()
    status = getattr(response, "status_code", None)
    assert status == 200, f"HTTP {status}"
    return len(queries)


def _pages(scene: Scene) -> dict[str, Callable[[], object]]:
    side = scene.side
    base = f"/a/{side.agency.slug}"
    api = f"/api/v1/a/{side.agency.slug}"
    candidate, coach = _client(side.candidate.user), _client(side.coach.user)
    bearer = {"Authorization": f"Bearer {scene.token}"}
    programme, coached = scene.programme.public_id, scene.coached.public_id
    pipeline_of = side.candidate2.public_id
    return {
        "candidate home": lambda: candidate.get(f"{base}/"),
        "candidate plan": lambda: candidate.get(f"{base}/programmes/{programme}/"),
        "candidate profile": lambda: candidate.get(f"{base}/profile/"),
        "candidate jobs for you": lambda: candidate.get(f"{base}/jobs/"),
        "candidate applications": lambda: candidate.get(f"{base}/jobs/applications/"),
        "coach caseload": lambda: coach.get(f"{base}/programmes/"),
        "coach caseload page 2": lambda: coach.get(f"{base}/programmes/?page=2&sort=progress"),
        "coach candidate programme": lambda: coach.get(f"{base}/programmes/{coached}/"),
        "coach candidate pipeline": lambda: coach.get(f"{base}/jobs/candidates/{pipeline_of}/"),
        "api programme list": lambda: Client().get(f"{api}/programmes/", headers=bearer),
        "api programme": lambda: Client().get(f"{api}/programmes/{coached}", headers=bearer),
        "api programme plan": lambda: Client().get(
            f"{api}/programmes/{coached}/plan", headers=bearer
        ),
        "api vacancies": lambda: Client().get(f"{api}/jobs/vacancies", headers=bearer),
        "api candidate pipeline": lambda: Client().get(
            f"{api}/jobs/candidates/{pipeline_of}/pipeline", headers=bearer
        ),
    }


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world.a)


def test_query_counts_do_not_grow_with_the_data(scene: Scene) -> None:
    pages = _pages(scene)
    scene.grow(BASE)
    small = {name: _count(request) for name, request in pages.items()}
    scene.grow(2 * BASE)
    large = {name: _count(request) for name, request in pages.items()}
    grown = {name: (small[name], large[name]) for name in pages if small[name] != large[name]}
    assert not grown, f"queries at N and 3N differ (an N+1): {grown}"
    too_many = {name: count for name, count in large.items() if count > MAX_QUERIES}
    assert not too_many, f"more than {MAX_QUERIES} queries: {too_many}"


def test_the_growth_reaches_the_pages(scene: Scene) -> None:
    """The data the counts are compared on is what the pages show: a count that stays the same
    because nothing new was listed would prove nothing."""
    scene.grow(BASE)
    side = scene.side
    base = f"/a/{side.agency.slug}"
    candidate, coach = _client(side.candidate.user), _client(side.coach.user)
    applications = candidate.get(f"{base}/jobs/applications/").text
    assert Application.objects.filter(owner=side.candidate).count() >= BASE
    for application in Application.objects.filter(owner=side.candidate)[:BASE]:
        assert application.title in applications
    caseload = coach.get(f"{base}/programmes/").text
    assert "Grown" in caseload
    plan = candidate.get(f"{base}/programmes/{scene.programme.public_id}/").text
    assert "Extra task" in plan
    profile = candidate.get(f"{base}/profile/").text
    assert "Grown skill" in profile or "Job 0" in profile
