"""Programme templates: shipped complete in four languages, validated, versioned, and turned
into dated plans in the candidate's language."""

from __future__ import annotations

import copy
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent
from springboard.programmes.content import (
    SHIPPED_KEYS,
    iter_texts,
    load_shipped_templates,
    shipped_content,
    validate_content,
)
from springboard.programmes.models import (
    LANGUAGE_CODES,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services import (
    IntakeAnswers,
    intake_complete,
    template_version_create,
)
from tests.factories import World, make_programme


def answers(**overrides: object) -> IntakeAnswers:
    values: dict[str, object] = {
        "job_sought": "Warehouse manager",
        "dismissal_processing": "yes",
        "skills": "Logistics, planning",
        "training_need": "course",
        "training_detail": "Forklift licence",
        "region": "Aarhus",
        "travel_radius_km": 40,
        "hours": "full_time",
        "pay_expectation": "40 000 DKK",
        "sector_change": True,
        "self_employment": "maybe",
    }
    values.update(overrides)
    return IntakeAnswers(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_every_shipped_text_is_written_in_every_language(key: str) -> None:
    content = shipped_content(key)
    texts = iter_texts(content)
    assert len(texts) > 20
    assert set(LANGUAGE_CODES) == {"en", "nl", "da", "nb"}
    for where, text in texts:
        for language in LANGUAGE_CODES:
            assert text.get(language, "").strip(), f"{key}: {where} has no {language} text"
    # Translated, not copied: the Danish and Dutch names differ from the English one.
    assert content["name"]["da"] != content["name"]["en"] != content["name"]["nl"]


def test_shipped_templates_follow_the_product_description() -> None:
    phases = {key: [p["key"] for p in shipped_content(key)["phases"]] for key in SHIPPED_KEYS}
    assert phases["foundation-opportunities-action"] == ["foundation", "opportunities", "action"]
    assert phases["five-steps"] == ["intake", "processing", "wishes", "search", "aftercare"]
    assert len(phases["module-programme"]) == 9
    optional = [p["key"] for p in shipped_content("five-steps")["phases"] if p.get("optional")]
    assert optional == ["processing"]


@pytest.mark.django_db
def test_loading_is_idempotent_and_a_change_becomes_a_new_version() -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    out = StringIO()
    call_command("load-programme-templates", stdout=out)
    assert "up to date" in out.getvalue()
    shipped = ProgrammeTemplate.objects.filter(agency=None)
    assert sorted(shipped.values_list("key", flat=True)) == sorted(SHIPPED_KEYS)
    assert ProgrammeTemplateVersion.objects.filter(template__in=shipped).count() == 3


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c["name"].pop("nb"), "needs a text in each of"),
        (lambda c: c["phases"][0]["steps"][0]["tasks"][0]["title"].update(da=" "), "no text in da"),
        (lambda c: c["phases"][0]["steps"][0]["tasks"][0].update(due_days=-3), "due_days"),
        (lambda c: c["phases"][1].update(key=c["phases"][0]["key"]), "short key"),
        (lambda c: c.update(phases=[]), "at least one phase"),
        (lambda c: c.update(duration_months=24), "duration"),
    ],
)
def test_invalid_content_is_refused_with_a_clear_message(mutate: object, message: str) -> None:
    content = copy.deepcopy(shipped_content("foundation-opportunities-action"))
    mutate(content)  # type: ignore[operator]
    with pytest.raises(DomainError, match=message):
        validate_content(content)


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_plan_generation_from_each_shipped_template(world: World, key: str) -> None:
    programme = make_programme(world.a, template_key=key)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="da")
    content = shipped_content(key)
    today = timezone.localdate()
    tasks = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK)
    template_tasks = [
        task for phase in content["phases"] for step in phase["steps"] for task in step["tasks"]
    ]
    assert tasks.count() == len(template_tasks)
    for task in template_tasks:
        item = tasks.get(source_key=task["key"])
        assert item.title == task["title"]["da"]
        assert item.due_date == today + datetime.timedelta(days=task["due_days"])
        assert item.parent is not None
        assert item.parent.kind == PlanItemKind.MILESTONE
    phases = list(PlanPhase.objects.filter(programme=programme).order_by("position"))
    assert [p.title for p in phases] == [p["title"]["da"] for p in content["phases"]]
    milestones = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE)
    assert milestones.count() == sum(len(p["steps"]) for p in content["phases"])
    goals = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.GOAL)
    assert goals.count() == 4  # new job, training, other sectors, self-employment
    assert "Warehouse manager" in goals.get(position=0).title
    programme.refresh_from_db()
    assert programme.status == "active"
    assert programme.language == "da"
    assert programme.current_phase == phases[0]
    assert programme.progress_percent == 0


def test_optional_phase_is_left_out_when_no_processing_is_needed(world: World) -> None:
    programme = make_programme(world.a, template_key="five-steps")
    intake_complete(
        programme=programme,
        actor=world.a.coach,
        answers=answers(dismissal_processing="no", training_need="none", sector_change=False),
        language="nb",
    )
    keys = list(
        PlanPhase.objects.filter(programme=programme)
        .order_by("position")
        .values_list("source_key", flat=True)
    )
    assert keys == ["intake", "wishes", "search", "aftercare"]
    assert PlanPhase.objects.get(programme=programme, source_key="intake").title == (
        "Oppstartssamtale"
    )


def test_editing_a_template_makes_a_new_version_and_running_programmes_keep_theirs(
    world: World, client: Client
) -> None:
    running = make_programme(world.a, template_key="five-steps")
    shipped = running.template_version
    content = copy.deepcopy(shipped.content)
    content["name"]["en"] = "Five steps, our way"
    client.force_login(world.a.admin.user)
    url = reverse(
        "programmes:template_edit",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": shipped.template.public_id},
    )
    response = client.post(url, {"content": json.dumps(content)})
    assert response.status_code == 302
    own = ProgrammeTemplate.objects.get(agency=world.a.agency, key="five-steps")
    assert own.versions.get().content["name"]["en"] == "Five steps, our way"
    assert AuditEvent.objects.filter(action="programme_template.new_version").count() == 1
    running.refresh_from_db()
    assert running.template_version == shipped
    # The agency's own copy now replaces the shipped one; agency B still sees the shipped one.
    client.force_login(world.a.admin.user)
    page = client.get(reverse("programmes:templates", kwargs={"agency_slug": world.a.agency.slug}))
    assert "Five steps, our way" in page.text
    assert "Five steps to a new job" not in page.text
    content["name"]["en"] = "Five steps, second edit"
    second = template_version_create(template=own, actor=world.a.admin, content=content)
    assert second.number == 2
    assert not ProgrammeTemplate.objects.filter(agency=world.b.agency).exists()


def test_template_edit_shows_json_and_validation_errors(world: World, client: Client) -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    template = ProgrammeTemplate.objects.get(agency=None, key="module-programme")
    client.force_login(world.a.admin.user)
    url = reverse(
        "programmes:template_edit",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": template.public_id},
    )
    assert "Modulforløb" in client.get(url).text
    response = client.post(url, {"content": "{not json"})
    assert response.status_code == 200
    assert "not valid JSON" in response.text
    response = client.post(url, {"content": json.dumps({"name": {"en": "x"}})})
    assert "needs a text in each of" in response.text
    assert not ProgrammeTemplate.objects.filter(agency=world.a.agency).exists()
