"""Starting programmes for many people in one step (issue 11): the engagement's template, coaches
by the rule (round-robin within capacity, language first), a task with progress, re-runs that
skip who already has a programme, and tenancy."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.test import Client
from django.urls import reverse

from springboard.employers.models import Cohort, Enrolment
from springboard.programmes.content import load_shipped_templates
from springboard.programmes.models import (
    BulkStart,
    BulkStartStatus,
    EngagementProgramme,
    Programme,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services import bulk_start_create
from springboard.programmes.services.bulk_start import CoachAssigner
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.employer_fixtures import make_cohort, make_engagement
from tests.factories import AgencyWorld, World, make_member, make_programme


def _template(key: str = "five-steps") -> ProgrammeTemplate:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    return ProgrammeTemplate.objects.get(agency=None, key=key)


def _newest(template: ProgrammeTemplate) -> ProgrammeTemplateVersion:
    version = template.versions.order_by("-number").first()
    assert version is not None
    return version


def _cohort_with_people(
    side: AgencyWorld, count: int, *, languages: tuple[str, ...] = ("en",)
) -> Cohort:
    engagement = make_engagement(side)
    cohort = make_cohort(engagement)
    for n in range(count):
        person = make_member(side.agency, Role.CANDIDATE)
        person.language = languages[n % len(languages)]
        person.save(update_fields=["language"])
        Enrolment.objects.create(
            agency=side.agency, engagement=engagement, cohort=cohort, candidate=person
        )
    return cohort


def _url(name: str, side: AgencyWorld, public_id: Any) -> str:
    return reverse(name, kwargs={"agency_slug": side.agency.slug, "public_id": public_id})


def test_two_hundred_programmes_start_in_one_step(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    cohort = _cohort_with_people(a, 200)
    template = _template()
    EngagementProgramme.objects.create(engagement=cohort.engagement, template=template)
    client.force_login(a.admin.user)

    cohort_page = client.get(_url("employers:cohort_detail", a, cohort.public_id))
    start_url = _url("programmes:bulk_start_cohort", a, cohort.public_id)
    assert start_url in cohort_page.text  # the cohort page links to it

    page = client.get(start_url)
    assert page.status_code == 200
    assert "200 people have no programme yet" in page.text
    assert _newest(template).name in page.text  # the engagement's template, no choice needed

    chosen = [str(e.public_id) for e in Enrolment.objects.filter(cohort=cohort)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            start_url,
            {"enrolments": chosen, "start_date": "2026-04-01", "coach_capacity": "120"},
        )
    assert response.status_code == 302
    bulk = BulkStart.objects.get()
    assert response["Location"] == _url("programmes:bulk_start_detail", a, bulk.public_id)
    assert (bulk.state, bulk.total, bulk.processed, bulk.started) == ("done", 200, 200, 200)
    programmes = Programme.objects.filter(enrolment__cohort=cohort)
    assert programmes.count() == 200
    assert {p.template_version_id for p in programmes} == {_newest(template).pk}
    assert {p.start_date for p in programmes} == {datetime.date(2026, 4, 1)}

    # Spread by the rule: two coaches of the same language, 100 each.
    load = Counter(
        Programme.coaches.through.objects.filter(programme__in=programmes).values_list(
            "membership_id", flat=True
        )
    )
    assert load == {a.coach.pk: 100, a.coach2.pk: 100}

    done = client.get(response["Location"])
    assert "Programmes started: 200. Already in a programme: 0." in done.text
    assert 'hx-trigger="every 1s"' not in done.text  # finished: no more polling


def test_progress_is_polled_while_the_task_waits(world: World, client: Client) -> None:
    a = world.a
    cohort = _cohort_with_people(a, 3)
    bulk = bulk_start_create(  # no on-commit capture: the task has not run
        engagement=cohort.engagement,
        cohort=cohort,
        actor=a.admin,
        template_version=_newest(_template()),
        enrolments=Enrolment.objects.filter(cohort=cohort),
        start_date=datetime.date(2026, 4, 1),
    )
    client.force_login(a.admin.user)
    url = _url("programmes:bulk_start_detail", a, bulk.public_id)
    page = client.get(url)
    assert 'hx-trigger="every 1s"' in page.text
    assert "0 of 3 people done" in page.text
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="bulk-state"')


def test_coach_rule_round_robin_within_capacity_language_first(world: World) -> None:
    a = world.a
    coach3 = make_member(a.agency, Role.COACH)
    Membership.objects.filter(pk=coach3.pk).update(language="da")
    make_programme(a, candidate=a.candidate, coaches=[a.coach])  # a.coach starts with one
    assigner = CoachAssigner(a.agency, capacity=2)
    picks = [assigner.pick("en") for _ in range(3)]
    # Fewest first, in turn: coach2 (0) then coach (1)/coach2 (1) alternate until full.
    assert Counter(p.pk for p in picks if p) == {a.coach2.pk: 2, a.coach.pk: 1}
    assert assigner.pick("da") == coach3  # the Danish-speaking coach first
    assert assigner.pick("en") == coach3  # the others are full: anyone with room
    assert assigner.pick("en") is None  # everyone full: no coach


def test_language_match_and_full_coaches(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    Membership.objects.filter(pk=a.coach2.pk).update(language="da")
    cohort = _cohort_with_people(a, 6, languages=("da", "en", "en"))
    with django_capture_on_commit_callbacks(execute=True):
        bulk = bulk_start_create(
            engagement=cohort.engagement,
            cohort=cohort,
            actor=a.admin,
            template_version=_newest(_template()),
            enrolments=Enrolment.objects.filter(cohort=cohort),
            start_date=datetime.date(2026, 4, 1),
            coach_capacity=2,
        )
    bulk.refresh_from_db()
    assert (bulk.started, bulk.without_coach) == (6, 2)
    danish = Programme.objects.filter(candidate__language="da")
    assert all(list(p.coaches.all()) == [a.coach2] for p in danish)
    client.force_login(a.admin.user)
    page = client.get(_url("programmes:bulk_start_detail", a, bulk.public_id))
    assert "2 programmes have no coach yet: every coach was full." in page.text


def test_a_second_run_skips_people_already_in_a_programme(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    cohort = _cohort_with_people(a, 5)
    version = _newest(_template())
    people = list(Enrolment.objects.filter(cohort=cohort))
    kwargs: dict[str, Any] = {
        "engagement": cohort.engagement,
        "cohort": cohort,
        "actor": a.admin,
        "template_version": version,
        "enrolments": people,
        "start_date": datetime.date(2026, 4, 1),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = bulk_start_create(**{**kwargs, "enrolments": people[:2]})
    with django_capture_on_commit_callbacks(execute=True):
        second = bulk_start_create(**kwargs)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.started, first.skipped) == (2, 0)
    assert (second.started, second.skipped) == (3, 2)
    assert Programme.objects.filter(enrolment__cohort=cohort).count() == 5

    client.force_login(a.admin.user)
    page = client.get(_url("programmes:bulk_start_cohort", a, cohort.public_id))
    assert "Everyone enrolled here already has a programme." in page.text
    assert BulkStart.objects.filter(state=BulkStartStatus.DONE).count() == 2


def test_without_an_engagement_template_the_admin_chooses_one(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    cohort = _cohort_with_people(a, 2)
    version = _newest(_template("module-programme"))
    url = _url("programmes:bulk_start_cohort", a, cohort.public_id)
    client.force_login(a.admin.user)
    chosen = [str(e.public_id) for e in Enrolment.objects.filter(cohort=cohort)]
    body = {"enrolments": chosen, "start_date": "2026-04-01", "coach_capacity": "50"}
    refused = client.post(url, body)
    assert refused.status_code == 200
    assert "The engagement has no programme template: choose one." in refused.text
    assert not BulkStart.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**body, "template_version": str(version.public_id)})
    assert response.status_code == 302
    assert set(Programme.objects.values_list("template_version_id", flat=True)) == {version.pk}


def test_only_the_chosen_people_start(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    cohort = _cohort_with_people(a, 4)
    EngagementProgramme.objects.create(engagement=cohort.engagement, template=_template())
    chosen = [str(e.public_id) for e in Enrolment.objects.filter(cohort=cohort)[:3]]
    client.force_login(a.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url("programmes:bulk_start_cohort", a, cohort.public_id),
            {"enrolments": chosen, "start_date": "2026-04-01", "coach_capacity": "10"},
        )
    assert Programme.objects.count() == 3


def test_import_page_and_engagement_start(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """An import without a cohort starts everyone of its engagement without a programme."""
    a = world.a
    cohort = _cohort_with_people(a, 2)
    EngagementProgramme.objects.create(engagement=cohort.engagement, template=_template())
    client.force_login(a.admin.user)
    url = _url("programmes:bulk_start_engagement", a, cohort.engagement.public_id)
    chosen = [str(e.public_id) for e in Enrolment.objects.filter(engagement=cohort.engagement)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"enrolments": chosen, "start_date": "2026-04-01", "coach_capacity": "10"}
        )
    assert response.status_code == 302
    assert Programme.objects.count() == 2


def test_another_agencys_cohort_and_bulk_start_are_404(world: World, client: Client) -> None:
    b_cohort = _cohort_with_people(world.b, 1)
    bulk = bulk_start_create(
        engagement=b_cohort.engagement,
        cohort=b_cohort,
        actor=world.b.admin,
        template_version=_newest(_template()),
        enrolments=Enrolment.objects.filter(cohort=b_cohort),
        start_date=datetime.date(2026, 4, 1),
    )
    client.force_login(world.a.admin.user)
    a = world.a
    assert (
        client.get(_url("programmes:bulk_start_cohort", a, b_cohort.public_id)).status_code == 404
    )
    assert (
        client.post(
            _url("programmes:bulk_start_cohort", a, b_cohort.public_id),
            {"start_date": "2026-04-01", "coach_capacity": "10"},
        ).status_code
        == 404
    )
    engagement_url = _url("programmes:bulk_start_engagement", a, b_cohort.engagement.public_id)
    assert client.get(engagement_url).status_code == 404
    assert client.get(_url("programmes:bulk_start_detail", a, bulk.public_id)).status_code == 404
    # A coach of the right agency lacks the capability.
    own = _cohort_with_people(a, 1)
    client.force_login(a.coach.user)
    assert client.get(_url("programmes:bulk_start_cohort", a, own.public_id)).status_code == 403
    assert not Programme.objects.exists()
