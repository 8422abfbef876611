"""Issue 11's flows on the programme pages: a check-in needs an answer to every scale, plan rows
keep the focus and the progress box in step and offer undo, and coaches change who coaches."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from springboard.programmes.models import (
    PlanItem,
    PlanItemKind,
    Programme,
    WellbeingCheckIn,
)
from springboard.programmes.services import intake_complete, wellbeing_consent_give
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers


def _url(name: str, programme: Programme, **extra: object) -> str:
    kwargs = {"agency_slug": programme.agency.slug, "public_id": programme.public_id, **extra}
    return reverse(name, kwargs=kwargs)


def test_check_in_has_no_preselected_score_and_an_empty_submit_is_refused(
    world: World, client: Client
) -> None:
    programme = make_programme(world.a)
    wellbeing_consent_give(programme=programme, actor=world.a.candidate)
    client.force_login(world.a.candidate.user)
    page = client.get(_url("programmes:checkin", programme))
    assert 'type="radio"' in page.text
    assert " checked" not in page.text  # nothing chosen: no default of 1 (the worst)
    refused = client.post(_url("programmes:checkin", programme), {"comment": "quick"})
    assert refused.status_code == 200
    assert "Answer all three questions before you send the check-in." in refused.text
    assert "Choose an answer." in refused.text
    partly = client.post(_url("programmes:checkin", programme), {"mood": "4", "energy": "3"})
    assert partly.status_code == 200
    assert not WellbeingCheckIn.objects.exists()
    sent = client.post(
        _url("programmes:checkin", programme), {"mood": "4", "energy": "3", "confidence": "4"}
    )
    assert sent.status_code == 302
    assert WellbeingCheckIn.objects.get().mood == 4


def _planned(world: World) -> Programme:
    programme = make_programme(world.a)
    return intake_complete(
        programme=programme, actor=world.a.coach, answers=answers(), language="en"
    )


def test_marking_done_keeps_focus_updates_progress_and_offers_undo(
    world: World, client: Client
) -> None:
    programme = _planned(world)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    client.force_login(world.a.coach.user)
    detail = _url("programmes:detail", programme)
    page = client.get(detail)
    assert 'id="plan-progress"' in page.text
    assert 'id="programme-progress"' in page.text

    url = _url("programmes:task_done", programme, item_id=task.public_id)
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{detail}"}
    done = client.post(url, {"done": "1"}, headers=headers)
    assert done.status_code == 200
    row = done.text
    assert f'id="task-{task.public_id}"' in row
    assert "autofocus" in row  # htmx focuses the swapped row
    assert "Marked as done." in row
    assert ">Undo<" in row
    assert 'id="plan-progress" hx-swap-oob="true"' in row
    assert 'id="programme-progress" hx-swap-oob="true"' in row
    task.refresh_from_db()
    assert task.is_done

    undone = client.post(url, {"done": "0", "undo": "1"}, headers=headers)
    assert undone.status_code == 200
    assert ">Undo<" not in undone.text  # the undo itself is not offered again
    task.refresh_from_db()
    assert not task.is_done

    # One click on "✓ Done" reopens, and says so with an Undo.
    client.post(url, {"done": "1"}, headers=headers)
    reopened = client.post(url, {"done": "0"}, headers=headers)
    assert "Reopened." in reopened.text
    assert ">Undo<" in reopened.text

    # On the candidate's home there is no status box: only the progress box is swapped.
    client.force_login(world.a.candidate.user)
    home = reverse("home:agency", kwargs={"agency_slug": programme.agency.slug})
    from_home = client.post(
        url, {"done": "1"}, headers={"HX-Request": "true", "HX-Current-URL": home}
    )
    assert 'id="plan-progress" hx-swap-oob="true"' in from_home.text
    assert 'id="programme-progress"' not in from_home.text


def test_a_coach_adds_a_co_coach_and_hands_over(world: World, client: Client) -> None:
    a = world.a
    programme = make_programme(a, coaches=[a.coach])
    url = _url("programmes:coaches", programme)
    client.force_login(a.coach.user)
    assert url in client.get(_url("programmes:detail", programme)).text
    assert client.get(url).status_code == 200

    empty = client.post(url, {})
    assert empty.status_code == 200
    assert set(programme.coaches.all()) == {a.coach}

    both = client.post(url, {"coaches": [str(a.coach.public_id), str(a.coach2.public_id)]})
    assert both.status_code == 302
    assert set(programme.coaches.all()) == {a.coach, a.coach2}

    handed = client.post(url, {"coaches": [str(a.coach2.public_id)]})
    assert handed.status_code == 302
    assert handed["Location"] == reverse(
        "programmes:caseload", kwargs={"agency_slug": a.agency.slug}
    )
    assert set(programme.coaches.all()) == {a.coach2}
    # No longer theirs: out of scope, the same 404 as any other candidate's programme.
    assert client.get(url).status_code == 404
    assert client.get(_url("programmes:detail", programme)).status_code == 404


def test_admin_assigns_anyone_candidate_cannot(world: World, client: Client) -> None:
    a = world.a
    programme = make_programme(a, coaches=[a.coach])
    url = _url("programmes:coaches", programme)
    client.force_login(a.admin.user)
    response = client.post(url, {"coaches": [str(a.coach2.public_id)]})
    assert response.status_code == 302
    assert set(programme.coaches.all()) == {a.coach2}
    client.force_login(a.candidate.user)
    assert client.post(url, {"coaches": [str(a.coach.public_id)]}).status_code == 403
    assert set(programme.coaches.all()) == {a.coach2}
