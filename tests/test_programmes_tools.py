"""Plan tasks that open a tool: template data names the tool, the plan links to it, and the work
being done ticks the task off."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from springboard.lib.errors import DomainError
from springboard.programmes.content import SHIPPED_KEYS, shipped_content, validate_content
from springboard.programmes.models import PlanItem, PlanItemKind, Programme, ProgrammeStatus
from springboard.programmes.services import (
    intake_complete,
    plan_tasks_complete_for_tool,
    programme_transition,
)
from springboard.programmes.tools import TOOLS, tool_url
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers

pytestmark = pytest.mark.django_db


def test_every_tool_page_exists() -> None:
    for key in TOOLS:
        assert tool_url(key, "some-agency"), f"{key}: {TOOLS[key].url_name} does not resolve"


def test_every_shipped_template_names_tools_that_exist() -> None:
    for key in SHIPPED_KEYS:
        tools = [
            task["tool"]
            for phase in shipped_content(key)["phases"]
            for step in phase["steps"]
            for task in step["tasks"]
            if "tool" in task
        ]
        assert tools, f"{key} names no tool"
        assert set(tools) <= set(TOOLS)


def test_an_unknown_tool_is_refused() -> None:
    content = shipped_content("five-steps")
    content["phases"][0]["steps"][0]["tasks"][0]["tool"] = "crystal-ball"
    with pytest.raises(DomainError, match="unknown tool"):
        validate_content(content)


def _planned(world: World) -> Programme:
    programme = make_programme(world.a, template_key="five-steps")
    return intake_complete(
        programme=programme, actor=world.a.coach, answers=answers(), language="en"
    )


def _tool_tasks(programme: Programme, tool: str) -> list[PlanItem]:
    return list(PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK, tool=tool))


def test_the_plan_carries_the_templates_tools_and_links_the_candidate_to_them(
    world: World, client: Client
) -> None:
    programme = _planned(world)
    tasks = _tool_tasks(programme, "interest-profiler")
    assert len(tasks) == 1
    client.force_login(world.a.candidate.user)
    url = reverse(
        "programmes:detail",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    page = client.get(url).content.decode()
    assert f'href="{tool_url("interest-profiler", world.a.agency.slug)}"' in page
    client.force_login(world.a.coach.user)
    assert 'href="' + str(tool_url("interest-profiler", world.a.agency.slug)) not in (
        client.get(url).content.decode()
    ), "coaches see the task, not the candidate's own tool link"


def test_finishing_the_work_ticks_the_tasks_that_name_the_tool(world: World) -> None:
    programme = _planned(world)
    other_side = make_programme(world.b, template_key="five-steps")
    intake_complete(programme=other_side, actor=world.b.coach, answers=answers(), language="en")
    done = plan_tasks_complete_for_tool(
        candidate=world.a.candidate, tool="interest-profiler", actor=world.a.candidate
    )
    assert done == 1
    assert all(task.is_done for task in _tool_tasks(programme, "interest-profiler"))
    assert not any(task.is_done for task in _tool_tasks(programme, "work-values"))
    assert not any(task.is_done for task in _tool_tasks(other_side, "interest-profiler"))
    programme.refresh_from_db()
    assert programme.progress_percent > 0
    again = plan_tasks_complete_for_tool(
        candidate=world.a.candidate, tool="interest-profiler", actor=world.a.candidate
    )
    assert again == 0


def test_a_closed_programme_is_left_alone(world: World) -> None:
    programme = _planned(world)
    programme_transition(
        programme=programme,
        actor=world.a.admin,
        to_status=ProgrammeStatus.DROPPED_OUT,
        reason="moved abroad",
    )
    assert (
        plan_tasks_complete_for_tool(
            candidate=world.a.candidate, tool="work-values", actor=world.a.candidate
        )
        == 0
    )


def test_an_unknown_tool_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="unknown tool"):
        plan_tasks_complete_for_tool(candidate=world.a.candidate, tool="x", actor=world.a.admin)


def test_the_coach_reaches_the_candidates_work_from_the_programme(
    world: World, client: Client
) -> None:
    programme = _planned(world)
    url = reverse(
        "programmes:detail",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    opportunities = reverse(
        "opportunities:coach",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    client.force_login(world.a.coach.user)
    assert f'href="{opportunities}"' in client.get(url).content.decode()
    for viewer in (world.a.candidate, world.a.admin):
        client.force_login(viewer.user)
        assert f'href="{opportunities}"' not in client.get(url).content.decode()
