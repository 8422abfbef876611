"""The assessments API: take an instrument end to end, refusals, coach reads (audited);
the other instruments' pages (Big Five bands, work values, wellbeing prompts); plan tasks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt
from springboard.privacy.models import AuditEvent
from springboard.programmes.models import PlanItem, PlanItemKind
from tests.factories import World, make_programme

FIXTURES = Path(__file__).parent / "fixtures" / "assessments"


def _load() -> None:
    import_instruments(FIXTURES, lambda line: None)


def _api(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _page(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"assessments:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _signed_in(world: World, member: str = "candidate") -> Client:
    client = Client()
    client.force_login(getattr(world.a, member).user)
    return client


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.generic("PATCH", url, json.dumps(body), content_type="application/json")


def test_take_the_big_five_through_the_api(world: World) -> None:
    _load()
    client = _signed_in(world)
    listed = client.get(_api("assessment_instruments", world)).json()
    assert {row["key"] for row in listed} == {
        "interest-profiler-60",
        "work-values",
        "ipip-neo-120",
        "strengths",
        "wellbeing-factors",
    }
    detail = client.get(
        _api("assessment_instrument", world, instrument="ipip-neo-120") + "?lang=nl"
    ).json()
    assert detail["items"][0]["text"] == "Verzonnen statement N1"
    assert "B5 Holding AS" in detail["attribution"]
    started = client.post(_api("assessment_start", world, instrument="ipip-neo-120")).json()
    attempt_url = _api("assessment_attempt", world, attempt_id=started["id"])
    answers_url = _api("assessment_answers", world, attempt_id=started["id"])
    finish_url = _api("assessment_finish", world, attempt_id=started["id"])
    keys = [item["key"] for item in detail["items"]]
    assert _patch(client, answers_url, {"answers": {keys[0]: 5}}).status_code == 200
    # Refused: out of range, a text for a rated item, an unknown item, finishing early.
    assert _patch(client, answers_url, {"answers": {keys[1]: 0}}).status_code == 400
    assert _patch(client, answers_url, {"answers": {keys[1]: "5"}}).status_code == 400
    assert _patch(client, answers_url, {"answers": {"nope": 3}}).status_code == 400
    assert _patch(client, answers_url, {"answers": []}).status_code == 422
    assert client.post(finish_url).status_code == 400
    assert client.get(attempt_url).json()["answered"] == 1
    rest = dict.fromkeys(keys[1:], 4)
    assert _patch(client, answers_url, {"answers": rest}).status_code == 200
    finished = client.post(finish_url).json()
    # Each domain: a plus item and a minus item; N1 = 5, N2 = 6 - 4 = 2; others 4 and 2.
    assert finished["scores"]["domains"] == {"N": 7, "E": 6, "O": 6, "A": 6, "C": 6}
    assert finished["scoring_rule"] == "ipip-sum/1"
    assert _patch(client, answers_url, {"answers": {keys[0]: 1}}).status_code == 400
    # The result page explains the bands in words.
    page = client.get(_page("result", world, attempt_id=finished["id"]))
    assert "Average" in page.text
    assert "You describe yourself as" in page.text
    # Another candidate and staff cannot read it; a coach of the candidate can, audited.
    other = _signed_in(world, "candidate2")
    assert other.get(attempt_url).status_code == 404
    assert _signed_in(world, "admin").get(attempt_url).status_code == 404
    programme = make_programme(world.a)
    coach = _signed_in(world, "coach")
    coach_url = _api(
        "assessment_coach_attempt",
        world,
        programme_id=programme.public_id,
        attempt_id=finished["id"],
    )
    assert coach.get(coach_url).json()["scores"] == finished["scores"]
    assert AuditEvent.objects.filter(action="assessments.answers_read").count() == 1
    listing = coach.get(
        _api("assessment_coach_attempts", world, programme_id=programme.public_id)
    ).json()
    assert [row["id"] for row in listing] == [finished["id"]]
    assert _signed_in(world, "coach2").get(coach_url).status_code == 404
    assert _signed_in(world, "admin").get(coach_url).status_code == 403


def test_work_values_ranked_and_plan_task_ticked(world: World) -> None:
    _load()
    programme = make_programme(world.a)
    task = PlanItem.objects.create(
        programme=programme,
        kind=PlanItemKind.TASK,
        title="Rate your work values",
        tool="work-values",
        position=99,
    )
    client = _signed_in(world)
    started = client.post(_api("assessment_start", world, instrument="work-values")).json()
    answers = {"1.B.2.a.1": 2, "1.B.2.a.2": 3, "1.B.2.b.1": 5}
    _patch(
        client, _api("assessment_answers", world, attempt_id=started["id"]), {"answers": answers}
    )
    done = client.post(_api("assessment_finish", world, attempt_id=started["id"])).json()
    assert done["scores"] == {
        "values": {"1.B.2.a": 2.5, "1.B.2.b": 5.0},
        "ranking": ["1.B.2.b", "1.B.2.a"],
    }
    task.refresh_from_db()
    assert task.done_at is not None
    page = client.get(_page("result", world, attempt_id=done["id"])).text
    assert page.index("Working Conditions") < page.index("Achievement")


def test_wellbeing_prompts_and_coach_comment(world: World) -> None:
    _load()
    programme = make_programme(world.a)
    client = _signed_in(world)
    client.post(_page("instrument", world, instrument="wellbeing-factors"))
    attempt = Attempt.objects.get()
    keys = [item["key"] for item in attempt.version.items]
    answers = {f"item-{key}": f"Answer to {key}" for key in keys}
    response = client.post(
        _page("save", world, attempt_id=attempt.public_id), {"page": "1", "go": "finish", **answers}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_complete
    assert attempt.answers["energy"] == "Answer to energy"
    coach = _signed_in(world, "coach")
    detail = _page(
        "coach_attempt", world, public_id=programme.public_id, attempt_id=attempt.public_id
    )
    assert "Answer to drain" in coach.get(detail).text
    coach.post(
        _page("comment", world, public_id=programme.public_id, attempt_id=attempt.public_id),
        {"text": "Let us talk about the mornings."},
    )
    shown = client.get(_page("instrument", world, instrument="wellbeing-factors")).text
    assert "Let us talk about the mornings." in shown
