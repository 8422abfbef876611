"""An engagement's programme template: owned by programmes (`EngagementProgramme`), chosen on its
own page, the default when a programme is started, and carried over from the old
`Engagement.programme_template` column by the migrations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from springboard.employers.models import Engagement, Enrolment
from springboard.privacy.models import AuditEvent
from springboard.programmes.content import load_shipped_templates
from springboard.programmes.models import (
    EngagementProgramme,
    Programme,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services import template_version_create
from tests.employer_fixtures import make_engagement
from tests.factories import World


def _shipped(key: str = "five-steps") -> ProgrammeTemplate:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    return ProgrammeTemplate.objects.get(agency=None, key=key)


def _url(engagement: Engagement) -> str:
    return reverse(
        "programmes:engagement_template",
        kwargs={"agency_slug": engagement.agency.slug, "public_id": engagement.public_id},
    )


def test_chosen_template_is_the_default_for_new_programmes(world: World, client: Client) -> None:
    template = _shipped()
    engagement = make_engagement(world.a, name="With a template")
    slug = world.a.agency.slug
    client.force_login(world.a.admin.user)
    detail_url = reverse(
        "employers:engagement_detail",
        kwargs={"agency_slug": slug, "public_id": engagement.public_id},
    )
    assert _url(engagement) in client.get(detail_url).text  # linked from the engagement

    page = client.get(_url(engagement))
    assert page.status_code == 200
    assert "Five steps" in page.text
    response = client.post(_url(engagement), {"template": str(template.public_id)})
    assert response.status_code == 302
    assert response["Location"] == detail_url
    assert EngagementProgramme.objects.get(engagement=engagement).template == template
    assert AuditEvent.objects.filter(action="engagement.programme_template").count() == 1
    assert "Five steps" in client.get(detail_url).text

    enrolment = Enrolment.objects.create(
        agency=world.a.agency, engagement=engagement, candidate=world.a.candidate
    )
    response = client.post(
        reverse("programmes:start", kwargs={"agency_slug": slug}),
        {
            "enrolment": str(enrolment.public_id),
            "coaches": [str(world.a.coach.public_id)],
            "start_date": "2026-03-02",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    programme = Programme.objects.get(enrolment=enrolment)
    assert programme.template_version.template == template


def test_without_a_template_the_start_form_asks_for_one(world: World, client: Client) -> None:
    _shipped()
    engagement = make_engagement(world.a)
    enrolment = Enrolment.objects.create(
        agency=world.a.agency, engagement=engagement, candidate=world.a.candidate
    )
    client.force_login(world.a.admin.user)
    response = client.post(
        reverse("programmes:start", kwargs={"agency_slug": world.a.agency.slug}),
        {
            "enrolment": str(enrolment.public_id),
            "coaches": [str(world.a.coach.public_id)],
            "start_date": "2026-03-02",
        },
    )
    assert response.status_code == 200
    assert "template_version" in response.context["form"].errors
    assert not Programme.objects.filter(enrolment=enrolment).exists()


def test_another_agencys_template_is_not_a_choice_and_empty_clears(
    world: World, client: Client
) -> None:
    shipped = _shipped()
    content = shipped.versions.order_by("-number").first().content  # type: ignore[union-attr]
    theirs = template_version_create(template=shipped, actor=world.b.admin, content=content)
    engagement = make_engagement(world.a)
    client.force_login(world.a.admin.user)

    refused = client.post(_url(engagement), {"template": str(theirs.template.public_id)})
    assert refused.status_code == 200
    assert "template" in refused.context["form"].errors
    assert not EngagementProgramme.objects.exists()

    client.post(_url(engagement), {"template": str(shipped.public_id)})
    assert EngagementProgramme.objects.filter(engagement=engagement, template=shipped).exists()
    assert client.post(_url(engagement), {"template": ""}).status_code == 302
    assert not EngagementProgramme.objects.exists()
    assert AuditEvent.objects.filter(action="engagement.programme_template").count() == 2


@pytest.mark.django_db(transaction=True)
def test_migrations_carry_each_engagements_template_over() -> None:
    """Back to before the move (the column is restored from the rows), then forward again (the
    rows are made from the column): nothing is lost either way."""
    from tests.factories import make_agency, make_employer

    template = _shipped()
    other = _shipped("module-programme")
    agency = make_agency()
    employer = make_employer(agency)
    engagements = [
        Engagement.objects.create(
            agency=agency, employer=employer, name=f"E{n}", start_date="2026-01-05"
        )
        for n in range(3)
    ]
    EngagementProgramme.objects.create(engagement=engagements[0], template=template)
    EngagementProgramme.objects.create(engagement=engagements[1], template=other)
    expected = {engagements[0].pk: template.pk, engagements[1].pk: other.pk}

    try:
        executor = MigrationExecutor(connection)
        removal = executor.loader.graph.node_map[
            ("employers", "0010_remove_engagement_programme_template")
        ]
        # Unapplying programmes 0003 unapplies the column's removal with it; employers stays at the
        # migration before the removal.
        before_move = [
            ("programmes", "0002_shipped_templates"),
            *(parent.key for parent in removal.parents if parent.key[0] == "employers"),
        ]
        executor.migrate(before_move)
        old_apps = executor.loader.project_state(before_move).apps
        old_engagement = old_apps.get_model("employers", "Engagement")
        column = dict(
            old_engagement.objects.filter(pk__in=[e.pk for e in engagements]).values_list(
                "pk", "programme_template_id"
            )
        )
        assert column == {**expected, engagements[2].pk: None}
        # A template chosen while the old code ran is carried forward too.
        old_engagement.objects.filter(pk=engagements[2].pk).update(
            programme_template_id=template.pk
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        # Whatever happened above, later tests on this worker need today's schema.
        latest = MigrationExecutor(connection)
        latest.loader.build_graph()
        latest.migrate(latest.loader.graph.leaf_nodes())
    rows = dict(EngagementProgramme.objects.values_list("engagement_id", "template_id"))
    assert rows == {**expected, engagements[2].pk: template.pk}
