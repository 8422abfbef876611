"""The programmes API: scoped lists with constant queries, plan items, conflicts, activity."""

from __future__ import annotations

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from springboard.programmes.models import PlanItem, PlanItemKind, Programme
from springboard.programmes.services import intake_complete
from tests.factories import World, make_programme
from tests.matrix_programmes import API_NAMES
from tests.test_programmes_templates import answers


def _api(short: str, programme: Programme | None = None, **extra: object) -> str:
    kwargs: dict[str, object] = {"agency_slug": "alpha", **extra}
    if programme is not None:
        kwargs["programme_id"] = programme.public_id
    return reverse(API_NAMES[short], kwargs=kwargs)


def _planned(world: World) -> Programme:
    programme = make_programme(world.a)
    return intake_complete(
        programme=programme, actor=world.a.coach, answers=answers(), language="nl"
    )


def test_list_is_scoped_and_has_constant_queries(world: World, client: Client) -> None:
    mine = make_programme(world.a)
    client.force_login(world.a.coach.user)
    client.get(_api("programme_list"))
    with CaptureQueriesContext(connection) as one:
        first = client.get(_api("programme_list")).json()
    assert [p["id"] for p in first] == [str(mine.public_id)]
    for n in range(5):
        other = make_programme(world.a, candidate=world.a.candidate2) if n == 0 else None
        if other is not None:
            other.coaches.add(world.a.coach)
    with CaptureQueriesContext(connection) as two:
        second = client.get(_api("programme_list")).json()
    assert len(second) == 2
    assert len(one) == len(two)


def test_plan_tick_and_conflict(world: World, client: Client) -> None:
    programme = _planned(world)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    client.force_login(world.a.candidate.user)
    plan = client.get(_api("programme_plan", programme)).json()
    assert any(item["title"] == task.title for item in plan["items"])
    done = client.post(
        _api("plan_item_done", programme, item_id=task.public_id),
        json.dumps({"done": True}),
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["done"] is True

    client.force_login(world.a.coach.user)
    url = _api("plan_item_edit", programme, item_id=task.public_id)
    ok = client.patch(
        url, json.dumps({"version": 1, "title": "Nieuwe titel"}), content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.patch(
        url, json.dumps({"version": 1, "title": "Andere titel"}), content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "Nieuwe titel"
    task.refresh_from_db()
    assert task.title == "Nieuwe titel"
    activity = client.get(_api("programme_activity", programme)).json()
    assert {entry["kind"] for entry in activity} >= {"task_done", "plan_item_edited"}


def test_api_refuses_out_of_scope_and_missing_capability(world: World, client: Client) -> None:
    programme = _planned(world)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    client.force_login(world.a.coach2.user)
    assert client.get(_api("programme_detail", programme)).status_code == 404
    client.force_login(world.a.candidate.user)
    forbidden = client.patch(
        _api("plan_item_edit", programme, item_id=task.public_id),
        json.dumps({"version": 1, "title": "Mine now"}),
        content_type="application/json",
    )
    assert forbidden.status_code == 403
    task.refresh_from_db()
    assert task.version == 1
    assert Client().get(_api("programme_list")).status_code == 401
