"""The job search end to end through its pages: jobs for you with reasons, the pipeline with
stage history, clocks, the exact CV and letter versions, interviews (preparation, calendar,
outcome), offers (accepting one proposes the outcome), the coach's audited view, the activity
log, and canaries of one candidate never reaching anyone else."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.cvs.models import Cv, CvVersion, Letter, LetterVersion
from springboard.jobs.demo import jobs_demo
from springboard.jobs.models import (
    Application,
    ApplicationStage,
    Interview,
    LossReason,
    Offer,
    Status,
    TargetCompany,
    Vacancy,
)
from springboard.jobs.selectors import GONE_QUIET_DAYS, clock_of, follow_ups_overdue
from springboard.jobs.services import application_create, application_move, vacancies_import
from springboard.network.activity_log import log_rows
from springboard.network.services import contact_create
from springboard.outcomes.models import Outcome
from springboard.privacy.models import AuditEvent
from springboard.profiles.models import Profile, ProfileSkill
from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import Label, Skill, TaxonomyVersion
from springboard.tenancy.models import Membership
from tests.factories import World, make_programme
from tests.fixtures.opportunities.world import SKILLS, make_taxonomy, skill_uri

CANARY = "CANARY-jobs-7c1e"


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"jobs:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _posting(n: int, title: str, text: str, place: str = "Utrecht", **extra: object) -> dict:
    return {
        "@type": "JobPosting",
        "title": title,
        "description": text,
        "hiringOrganization": {"name": f"Employer {n}"},
        "jobLocation": {"address": {"addressLocality": place}},
        "url": f"https://jobs.example/{n}",
        **extra,
    }


@pytest.fixture
def taxonomy(db: None) -> None:
    make_taxonomy()
    # The extractor reads skills from their labels, which the opportunities world leaves out.
    for key, text in SKILLS.items():
        Label.objects.create(
            skill=Skill.objects.get(uri=skill_uri(key)),
            lang="en",
            kind="preferred",
            text=text,
            search_text=text.casefold(),
        )
    TaxonomyVersion.objects.update(changed_at=timezone.now())
    engine_cache.clear()


def _confirm(candidate: Membership, *keys: str, regions: str = "") -> None:
    profile, _ = Profile.objects.get_or_create(agency=candidate.agency, membership=candidate)
    profile.regions = regions
    profile.save()
    for key in keys:
        ProfileSkill.objects.create(
            profile=profile,
            skill=Skill.objects.get(uri=skill_uri(key)),
            confirmed_by_candidate_at=timezone.now(),
        )


def test_jobs_for_you_ranks_by_skills_and_says_why(
    taxonomy: None, world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    feed = [
        _posting(1, "Shop assistant", "Selling products and handling cash.", place="Leiden"),
        _posting(2, "Developer", "Python programming, SQL and software testing.", place="Utrecht"),
        _posting(3, "Data analyst", "SQL and statistics every day.", place="Utrecht"),
        _posting(4, "Expired developer", "Python programming, SQL.", validThrough="2020-01-01"),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        summary = vacancies_import(
            agency=world.a.agency, files=[("feed.json", json.dumps(feed).encode())]
        )
    assert summary.created == 4
    assert len(callbacks) == 1  # one task enriches the batch
    developer = Vacancy.objects.get(title="Developer")
    assert skill_uri("python") in developer.skill_uris
    _confirm(world.a.candidate, "python", "sql", regions="Utrecht")

    client.force_login(world.a.candidate.user)
    response = client.get(_url("for_you", world))
    assert response.status_code == 200
    fits = response.context["fits"]
    titles = [fit.vacancy.title for fit in fits]
    assert titles[:2] == ["Developer", "Data analyst"]
    assert "Expired developer" not in titles
    assert fits[0].reasons == ["skills", "region"]
    assert [s.name for s in fits[0].missing] == ["software testing"]
    assert {s.name for s in fits[0].matched} == {"Python programming", "SQL"}
    assert "software testing" in response.content.decode()

    filtered = client.get(_url("for_you", world), {"q": "shop"})
    assert [fit.vacancy.title for fit in filtered.context["fits"]] == ["Shop assistant"]


def test_pipeline_from_vacancy_to_accepted_offer(world: World, client: Client) -> None:
    programme = make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    candidate = world.a.candidate
    vacancies_import(
        agency=world.a.agency,
        files=[("f.json", json.dumps(_posting(9, "Payroll officer", "Payroll.")).encode())],
    )
    vacancy = Vacancy.objects.get()
    cv = Cv.objects.create(agency=world.a.agency, candidate=candidate, title="Finance CV")
    CvVersion.objects.create(cv=cv, number=1, content={})
    cv_v2 = CvVersion.objects.create(cv=cv, number=2, content={})
    letter = Letter.objects.create(agency=world.a.agency, candidate=candidate, title="Payroll")
    letter_v1 = LetterVersion.objects.create(letter=letter, number=1, content={})
    client.force_login(candidate.user)

    response = client.post(_url("vacancy_save", world, public_id=vacancy.public_id))
    application = Application.objects.get(owner=candidate)
    assert response["Location"] == _url("application", world, public_id=application.public_id)
    assert application.status == Status.SAVED
    assert application.follow_up_on is not None
    # Saving twice keeps one application.
    client.post(_url("vacancy_save", world, public_id=vacancy.public_id))
    assert Application.objects.filter(owner=candidate).count() == 1

    move = _url("application_move", world, public_id=application.public_id)
    response = client.post(
        move, {"status": "applied", "cv_version": cv_v2.pk, "letter_version": letter_v1.pk}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.cv_version, application.letter_version) == (
        Status.APPLIED,
        cv_v2,
        letter_v1,
    )
    assert application.follow_up_on == timezone.localdate() + datetime.timedelta(days=7)

    # Another candidate's CV version cannot be named.
    other_cv = Cv.objects.create(agency=world.a.agency, candidate=world.a.candidate2, title="X")
    other_version = CvVersion.objects.create(cv=other_cv, number=1, content={})
    response = client.post(move, {"status": "applied", "cv_version": other_version.pk})
    assert response.status_code == 200
    assert response.context["move_form"].errors
    application.refresh_from_db()
    assert application.cv_version == cv_v2

    # Closing needs a reason.
    response = client.post(move, {"status": "closed"})
    assert "loss_reason" in response.context["move_form"].errors

    response = client.post(
        _url("interview_add", world, public_id=application.public_id),
        {"starts_at": "2030-03-04T10:30", "minutes": "45", "kind": "video", "location": "Teams"},
    )
    interview = Interview.objects.get()
    assert response["Location"] == _url("interview", world, public_id=interview.public_id)
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING

    page = client.get(_url("interview", world, public_id=interview.public_id))
    assert page.status_code == 200
    assert "Tell us about yourself." in page.content.decode()
    calendar = client.get(_url("interview_calendar", world, public_id=interview.public_id))
    body = calendar.content.decode()
    assert calendar["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body
    assert "LOCATION:Teams" in body
    assert "\r\n" in body
    assert "SUMMARY:Interview: Payroll officer at Employer 9" in body

    client.post(
        _url("offer_add", world, public_id=application.public_id),
        {
            "contract_type": "permanent",
            "hours_per_week": "37",
            "monthly_pay": "3900",
            "pay_compared": "same",
            "start_date": "2030-05-01",
        },
    )
    application.refresh_from_db()
    assert application.status == Status.OFFER
    offer = Offer.objects.get()
    offers_page = client.get(_url("offers", world))
    assert "3900" in offers_page.content.decode()

    client.post(_url("offer_accept", world, public_id=offer.public_id))
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    outcome = Outcome.objects.get(programme=programme)
    assert (outcome.kind, outcome.employer_name) == ("new_job", "Employer 9")
    assert outcome.confirmed_at is None  # proposed: the candidate confirms it in outcomes

    statuses = list(
        ApplicationStage.objects.filter(application=application).values_list("status", flat=True)
    )
    assert statuses == ["saved", "applied", "interviewing", "offer", "accepted"]


def test_interview_outcome_feeds_the_application(world: World, client: Client) -> None:
    application = application_create(owner=world.a.candidate, title="Clerk", employer="Acme")
    interview = Interview.objects.create(application=application, starts_at=timezone.now())
    client.force_login(world.a.candidate.user)
    client.post(_url("interview", world, public_id=interview.public_id), {"outcome": "rejected"})
    application.refresh_from_db()
    assert (application.status, application.loss_reason) == (Status.CLOSED, LossReason.REJECTED)
    assert application.follow_up_on is None


def test_clocks_waiting_gone_quiet_and_overdue_follow_up(world: World) -> None:
    application = application_create(owner=world.a.candidate, title="Clerk", employer="Acme")
    application = application_move(application=application, status=Status.APPLIED)
    moved = application.status_changed_at
    fresh = clock_of(application, now=moved + datetime.timedelta(days=3))
    assert (fresh.days, fresh.quiet, fresh.overdue) == (3, False, False)
    late = clock_of(application, now=moved + datetime.timedelta(days=GONE_QUIET_DAYS))
    assert late.quiet
    assert late.overdue  # the 7-day follow-up has passed
    today = timezone.localdate(moved)
    assert not follow_ups_overdue(world.a.candidate, today=today).exists()
    assert follow_ups_overdue(world.a.candidate, today=today + datetime.timedelta(days=8)).exists()
    # A saved application is not "waiting" for anyone: it never goes quiet.
    saved = application_create(owner=world.a.candidate, title="Other", employer="Acme")
    assert not clock_of(saved, now=moved + datetime.timedelta(days=60)).quiet


def test_board_moves_with_htmx_and_the_list_shows_closed(world: World, client: Client) -> None:
    application = application_create(owner=world.a.candidate, title="Clerk", employer="Acme")
    client.force_login(world.a.candidate.user)
    response = client.post(
        _url("application_move", world, public_id=application.public_id),
        {"status": "applied", "from": "board"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"')
    application_move(application=application, status=Status.CLOSED, loss_reason="no_answer")
    listing = client.get(_url("applications", world), {"view": "list"}).content.decode()
    assert "No answer" in listing


def test_coach_sees_pipeline_health_audited(world: World, client: Client) -> None:
    make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    for status in ("applied", "applied", "interviewing"):
        app = application_create(owner=world.a.candidate, title="Job", employer="Acme")
        application_move(application=app, status=status)
    application_create(owner=world.a.candidate, title="Saved job", employer="Acme")
    client.force_login(world.a.coach.user)
    response = client.get(_url("candidate_pipeline", world, public_id=world.a.candidate.public_id))
    assert response.status_code == 200
    assert "1 : 2 : 1 : 0" in response.content.decode()
    assert AuditEvent.objects.filter(action="jobs.pipeline.read").count() == 1


def test_applications_and_interviews_reach_the_activity_log(world: World) -> None:
    application = application_create(owner=world.a.candidate, title="Clerk", employer="Acme")
    application_move(application=application, status=Status.APPLIED)
    Interview.objects.create(application=application, starts_at=timezone.now())
    today = timezone.localdate()
    rows = [row for row in log_rows(world.a.candidate, today, today) if row.source == "jobs"]
    assert sorted(row.kind for row in rows) == ["interview", "unsolicited"]
    assert not [r for r in log_rows(world.a.candidate2, today, today) if r.source == "jobs"]


def test_admin_imports_a_feed_through_the_page(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    feed = json.dumps([_posting(1, "Porter", "<b>Carry</b>"), {"@type": "Event"}]).encode()
    response = client.post(
        _url("vacancy_import", world),
        {"file": SimpleUploadedFile("feed.jsonld", feed, "application/ld+json")},
    )
    assert response.status_code == 200
    assert response.context["summary"].created == 1
    assert "This item is not a JobPosting." in response.content.decode()
    vacancy = Vacancy.objects.get()
    assert vacancy.owner is None
    assert vacancy.description == "Carry"
    pasted = client.post(
        _url("vacancy_import", world), {"pasted": json.dumps(_posting(2, "Cook", ""))}
    )
    assert pasted.context["summary"].created == 1


def test_canaries_never_reach_another_candidate_or_staff(world: World, client: Client) -> None:
    other = world.a.candidate2
    application_create(owner=other, title=CANARY, employer=CANARY)
    Vacancy.objects.create(
        agency=world.a.agency,
        owner=other,
        title=CANARY,
        employer=CANARY,
        source="manual",
        duplicate_key="canary",
    )
    Vacancy.objects.create(
        agency=world.b.agency,
        title=CANARY,
        employer=CANARY,
        source="manual",
        duplicate_key="c",
    )
    pages = ["for_you", "vacancies", "applications", "offers"]
    client.force_login(world.a.candidate.user)
    for name in pages:
        assert CANARY not in client.get(_url(name, world)).content.decode(), name
    for staff in (world.a.admin, world.a.coach):
        client.force_login(staff.user)
        assert CANARY not in client.get(_url("vacancies", world)).content.decode()
    client.force_login(world.a.contact.user)
    for name in ("vacancies", *pages):
        assert client.get(_url(name, world)).status_code == 403


def test_demo_data_is_idempotent(world: World) -> None:
    jobs_demo(world.a.agency, [world.a.candidate, world.b.candidate])
    jobs_demo(world.a.agency, [world.a.candidate])
    assert Vacancy.objects.filter(agency=world.a.agency).count() == 6
    assert Application.objects.filter(owner=world.a.candidate).count() == 3
    assert not Application.objects.filter(owner=world.b.candidate).exists()
    assert follow_ups_overdue(world.a.candidate, today=timezone.localdate()).count() == 1


def test_target_companies_show_contacts_and_vacancies(world: World, client: Client) -> None:
    candidate = world.a.candidate
    contact_create(owner=candidate, full_name="Mette Kjær", company="Nordlager A/S")
    contact_create(owner=world.a.candidate2, full_name=CANARY, company="Nordlager A/S")
    vacancies_import(agency=world.a.agency, files=[_file_of(_posting(5, "Picker", ""))])
    Vacancy.objects.update(employer="Nordlager A/S")
    client.force_login(candidate.user)
    url = _url("targets", world)
    response = client.post(url, {"name": "Nordlager", "sector": "Logistics", "size": "medium"})
    assert response.status_code == 302
    again = client.post(url, {"name": " nordlager "})
    assert "already on your list" in again.content.decode()
    page = client.get(url).content.decode()
    assert "Mette Kjær" in page
    assert "Picker" in page
    assert CANARY not in page
    target = TargetCompany.objects.get()
    client.post(_url("target_remove", world, public_id=target.public_id))
    assert not TargetCompany.objects.exists()


def _file_of(posting: dict) -> tuple[str, bytes]:
    return "feed.json", json.dumps(posting).encode()
