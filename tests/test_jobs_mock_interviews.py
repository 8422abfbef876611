"""Mock interviews: the rubric as versioned data in four languages; the coach creates, scores
(radio groups, validation) and shares; the candidate sees shared ones only, next to the
interview's preparation and with progress across several; edits stop at sharing; writes and
the coach's reads of shared scores are audited; nothing reaches the candidate's other agency,
another candidate or an employer contact. Pages and API."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.jobs import rubric
from springboard.jobs.mock_reads import mock_view, progress
from springboard.jobs.models import Interview, InterviewOutcome, MockInterview, Status
from springboard.jobs.services import application_create, interview_record_outcome
from springboard.jobs.services.mock_interviews import (
    ScoreInput,
    mock_interview_create,
    mock_interview_score,
    mock_interview_share,
)
from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import World, make_member, make_programme

CANARY = "CANARY-mock-5d2a"
# Published rubric versions never change (old scores would change meaning): a new wording is
# a new version. The hash of each published version, as shipped.
PUBLISHED = {1: "a766dcae22e11ed7eb223c3d06daa93f7e9876521274d1026af4bd372d29688f"}


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"jobs:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _api(world: World, path: str) -> str:
    return f"/api/v1/a/{world.a.agency.slug}/jobs/{path}"


def _interview(candidate: Membership, title: str = "Planner") -> Interview:
    application = application_create(owner=candidate, title=title, employer="Nordlager")
    return Interview.objects.create(
        application=application, starts_at=timezone.now() + datetime.timedelta(days=3)
    )


def _all_scores(score: int = 3, comment: str = "") -> list[ScoreInput]:
    keys = rubric.rubric(rubric.current_version(), "en").keys
    return [ScoreInput(key, score, comment) for key in keys]


def _shared_mock(world: World, *, score: int, held_on: datetime.date, **kwargs: Any) -> Any:
    coach, candidate = world.a.coach, world.a.candidate
    mock = mock_interview_create(coach=coach, candidate=candidate, held_on=held_on, **kwargs)
    mock_interview_score(
        mock=mock, coach=coach, scores=_all_scores(score), practise=["Shorter answers"]
    )
    return mock_interview_share(mock=mock, coach=coach)


@pytest.fixture
def coached(world: World) -> World:
    make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    return world


# --- the rubric -------------------------------------------------------------------------------


def test_published_rubric_versions_are_unchanged() -> None:
    content = json.loads(rubric.RUBRIC.read_text(encoding="utf-8"))
    for version in content["versions"]:
        if version["number"] in PUBLISHED:
            text = json.dumps(version, sort_keys=True, ensure_ascii=False)
            assert hashlib.sha256(text.encode()).hexdigest() == PUBLISHED[version["number"]], (
                f"rubric version {version['number']} was edited: append a new version instead"
            )


def test_rubric_is_complete_in_four_languages() -> None:
    for number in (1, rubric.current_version()):
        english = rubric.rubric(number, "en")
        assert len(english.criteria) == 6
        assert {"preparation", "star", "evidence", "communication", "questions", "motivation"} <= (
            set(english.keys)
        )
        for lang in ("nl", "da", "nb"):
            translated = rubric.rubric(number, lang)
            assert translated.keys == english.keys
            for en, other in zip(english.criteria, translated.criteria, strict=True):
                assert len(other.anchors) == 5
                assert all(other.anchors)
                assert other.name
                # Really translated: no anchor is the English one.
                assert not set(other.anchors) & set(en.anchors), (lang, en.key)
    assert rubric.rubric(1, "fr").criteria[0].name == rubric.rubric(1, "en").criteria[0].name


def test_old_scores_keep_the_meaning_of_their_version(
    coached: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = coached
    old = _shared_mock(world, score=2, held_on=datetime.date(2026, 11, 2))
    versions = dict(rubric._versions())
    second = json.loads(json.dumps(versions[1]))
    second["number"] = 2
    second["criteria"][0]["levels"][1]["en"] = "Reworded level two."
    second["criteria"].append({**second["criteria"][0], "key": "follow_up"})
    monkeypatch.setattr(rubric, "_versions", lambda: {**versions, 2: second})

    new = mock_interview_create(
        coach=world.a.coach, candidate=world.a.candidate, held_on=datetime.date(2026, 11, 9)
    )
    assert (old.rubric_version, new.rubric_version) == (1, 2)
    old_view = mock_view(MockInterview.objects.get(pk=old.pk), "en")
    assert old_view.rows[0].anchor == rubric.rubric(1, "en").criteria[0].anchors[1]
    assert old_view.rows[0].anchor != "Reworded level two."
    assert "follow_up" not in {row.criterion.key for row in old_view.rows}
    assert "follow_up" in {row.criterion.key for row in mock_view(new, "en").rows}
    # The draft of version 2 is shared only once its extra criterion is scored too.
    keys_v1 = rubric.rubric(1, "en").keys
    mock_interview_score(
        mock=new,
        coach=world.a.coach,
        scores=[ScoreInput(k, 4) for k in keys_v1],
        practise=["Follow up by e-mail"],
    )
    with pytest.raises(DomainError):
        mock_interview_share(mock=new, coach=world.a.coach)


# --- the coach scores, the candidate sees -----------------------------------------------------


def _score_post(score: int = 4, **extra: str) -> dict[str, str]:
    data = {f"score_{key}": str(score) for key in rubric.rubric(1, "en").keys}
    data.update(
        {
            "comment_star": f"Clear STAR stories {CANARY}",
            "overall_note": "A confident start.",
            "practise_1": "Ask about the team",
            "practise_2": "Slow down",
        }
    )
    data.update(extra)
    return data


def test_coach_scores_and_shares_and_the_candidate_sees_it(coached: World) -> None:
    world = coached
    interview = _interview(world.a.candidate)
    coach, candidate = Client(), Client()
    coach.force_login(world.a.coach.user)
    candidate.force_login(world.a.candidate.user)
    coach_list = _url("mock_coach_list", world, public_id=world.a.candidate.public_id)

    page = coach.get(coach_list)
    assert page.status_code == 200
    assert "Planner" in page.content.decode()  # the candidate's interview to choose from
    created = coach.post(
        coach_list, {"held_on": "2026-11-20", "interview": str(interview.public_id)}, follow=False
    )
    assert created.status_code == 302
    mock = MockInterview.objects.get(candidate=world.a.candidate)
    assert mock.interview == interview
    assert mock.rubric_version == rubric.current_version()
    score_url = _url("mock_score", world, public_id=mock.public_id)
    form = coach.get(score_url).content.decode()
    assert form.count('type="radio"') == 6 * 5
    assert "Knows little or nothing about the employer" in form  # an anchor next to its level

    # A draft: the candidate sees nothing yet, anywhere.
    assert coach.post(score_url, _score_post()).status_code == 302
    assert mock.scores.count() == 6
    assert candidate.get(_url("mock_detail", world, public_id=mock.public_id)).status_code == 404
    assert CANARY not in candidate.get(_url("mock_list", world)).content.decode()
    assert candidate.get(_api(world, "mock-interviews")).json() == []
    interview_page = _url("interview", world, public_id=interview.public_id)
    assert CANARY not in candidate.get(interview_page).content.decode()

    shared = coach.post(score_url, _score_post(share="1"))
    assert shared.status_code == 302
    mock.refresh_from_db()
    assert mock.shared_at is not None

    detail = candidate.get(_url("mock_detail", world, public_id=mock.public_id)).content.decode()
    assert CANARY in detail
    assert "Ask about the team" in detail
    assert "4 of 5" in detail
    assert "A confident start." in detail
    prep = candidate.get(interview_page).content.decode()
    assert "Ask about the team" in prep
    assert "average 4.0 of 5" in prep
    listing = candidate.get(_url("mock_list", world)).content.decode()
    assert "<svg" in listing
    assert "Structure of answers (STAR)" in listing

    # Shared: nothing changes any more; the coach's page is read-only.
    again = coach.post(score_url, _score_post(score=1))
    assert again.status_code == 200
    assert "Save draft" not in again.content.decode()
    assert set(mock.scores.values_list("score", flat=True)) == {4}
    with pytest.raises(DomainError):
        mock_interview_score(mock=mock, coach=world.a.coach, scores=_all_scores(1))


def test_the_candidate_sees_it_in_their_language(coached: World) -> None:
    world = coached
    mock = _shared_mock(world, score=5, held_on=datetime.date(2026, 11, 2))
    user = world.a.candidate.user
    user.language = "nl"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    page = client.get(_url("mock_detail", world, public_id=mock.public_id))
    body = page.content.decode()
    assert "Voorbereiding en kennis van de werkgever" in body
    assert "Toont diepe, actuele kennis" in body


def test_scoring_form_validation(coached: World) -> None:
    world = coached
    mock = mock_interview_create(
        coach=world.a.coach, candidate=world.a.candidate, held_on=datetime.date(2026, 11, 2)
    )
    client = Client()
    client.force_login(world.a.coach.user)
    url = _url("mock_score", world, public_id=mock.public_id)

    # Sharing needs every criterion and something to practise.
    partial = {"score_star": "3", "share": "1"}
    page = client.post(url, partial)
    assert page.status_code == 200
    assert "Score this criterion before you share." in page.content.decode()
    assert "Name at least one thing to practise." in page.content.decode()
    # A level outside 1 to 5, and a comment without its score.
    page = client.post(url, {"score_star": "9", "comment_questions": "Good questions"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Choose a score to go with your comment." in body
    assert "Select a valid choice." in body
    mock.refresh_from_db()
    assert mock.shared_at is None
    assert mock.scores.count() == 0
    # A draft may be partial.
    assert client.post(url, {"score_star": "2"}).status_code == 302
    assert list(mock.scores.values_list("criterion", "score")) == [("star", 2)]


def test_service_rules(coached: World) -> None:
    world = coached
    coach, candidate = world.a.coach, world.a.candidate
    mock = mock_interview_create(coach=coach, candidate=candidate, held_on=datetime.date.today())
    for scores, practise in (
        ([ScoreInput("charm", 3)], []),
        ([ScoreInput("star", 6)], []),
        ([ScoreInput("star", 3), ScoreInput("star", 4)], []),
        ([ScoreInput("star", 3, "nul\x00")], []),
        ([], ["one", "two", "three", "four"]),
        ([], ["x" * 201]),
    ):
        with pytest.raises(DomainError):
            mock_interview_score(mock=mock, coach=coach, scores=scores, practise=practise)
    # Not their coach, and another candidate's interview.
    with pytest.raises(DomainError):
        mock_interview_create(
            coach=world.a.coach2, candidate=candidate, held_on=datetime.date.today()
        )
    with pytest.raises(DomainError):
        mock_interview_create(
            coach=coach,
            candidate=candidate,
            held_on=datetime.date.today(),
            interview=_interview(world.a.candidate2),
        )
    # Sharing twice is sharing once.
    mock_interview_score(mock=mock, coach=coach, scores=_all_scores(3), practise=["Pace"])
    first = mock_interview_share(mock=mock, coach=coach).shared_at
    assert mock_interview_share(mock=mock, coach=coach).shared_at == first
    assert AuditEvent.objects.filter(action="jobs.mock.share").count() == 1


def test_progress_across_mock_interviews(coached: World) -> None:
    world = coached
    _shared_mock(world, score=2, held_on=datetime.date(2026, 10, 1))
    _shared_mock(world, score=4, held_on=datetime.date(2026, 11, 1))
    mocks = list(MockInterview.objects.filter(candidate=world.a.candidate))
    shown = progress(mocks, "en")
    assert [v.average for v in shown.views] == [2.0, 4.0]
    assert all(row.scores == [2, 4] for row in shown.rows)
    # The line rises: a higher average is drawn higher (a smaller y).
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in shown.points.split())
    assert x2 > x1
    assert y2 < y1
    client = Client()
    client.force_login(world.a.candidate.user)
    table = client.get(_url("mock_list", world)).content.decode()
    assert table.count("<td>2</td>") == 6
    assert table.count("<td>4</td>") == 6


def test_the_interview_outcome_still_feeds_the_application(coached: World) -> None:
    world = coached
    interview = _interview(world.a.candidate)
    _shared_mock(world, score=3, held_on=datetime.date(2026, 11, 2), interview=interview)
    interview_record_outcome(interview=interview, outcome=InterviewOutcome.OFFER)
    interview.application.refresh_from_db()
    assert interview.application.status == Status.OFFER


# --- audit and privacy ------------------------------------------------------------------------


def test_writes_and_coach_reads_of_shared_scores_are_audited(coached: World) -> None:
    world = coached
    client = Client()
    client.force_login(world.a.coach.user)
    api = _api(world, f"candidates/{world.a.candidate.public_id}/mock-interviews")
    created = client.post(api, {"held_on": "2026-11-20"}, content_type="application/json")
    assert created.status_code == 201
    mock_id = created.json()["id"]
    scores = [{"criterion": k, "score": 3, "comment": "ok"} for k in rubric.rubric(1, "en").keys]
    body = {"scores": scores, "overall_note": "Fine", "practise": ["Eye contact"]}
    updated = client.put(
        _api(world, f"mock-interviews/{mock_id}"), body, content_type="application/json"
    )
    assert updated.status_code == 200
    assert updated.json()["average"] == 3.0
    assert [s["score"] for s in updated.json()["scores"]] == [3] * 6
    shared = client.post(_api(world, f"mock-interviews/{mock_id}/share"))
    assert shared.status_code == 200
    assert shared.json()["shared"] is True
    refused = client.put(
        _api(world, f"mock-interviews/{mock_id}"), body, content_type="application/json"
    )
    assert refused.status_code == 400

    read_before = AuditEvent.objects.filter(action="jobs.mock.read").count()
    assert client.get(_url("mock_score", world, public_id=mock_id)).status_code == 200
    assert client.get(api).json()[0]["id"] == mock_id
    actions = list(
        AuditEvent.objects.filter(actor=world.a.coach.user, action__startswith="jobs.mock.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[:3] == ["jobs.mock.create", "jobs.mock.score", "jobs.mock.share"]
    assert AuditEvent.objects.filter(action="jobs.mock.read").count() == read_before + 2
    # The candidate reading their own scores writes no audit event.
    before = AuditEvent.objects.count()
    candidate = Client()
    candidate.force_login(world.a.candidate.user)
    assert candidate.get(_api(world, "mock-interviews")).json()[0]["practise"] == ["Eye contact"]
    assert AuditEvent.objects.count() == before


def test_api_validation(coached: World) -> None:
    world = coached
    client = Client()
    client.force_login(world.a.coach.user)
    api = _api(world, f"candidates/{world.a.candidate.public_id}/mock-interviews")
    other = _interview(world.a.candidate2)
    wrong = client.post(
        api,
        {"held_on": "2026-11-20", "interview": str(other.public_id)},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "interview"
    mock_id = client.post(api, {"held_on": "2026-11-20"}, content_type="application/json").json()[
        "id"
    ]
    url = _api(world, f"mock-interviews/{mock_id}")
    for body, status in (
        ({"scores": [{"criterion": "charm", "score": 3}]}, 400),
        ({"scores": [{"criterion": "star", "score": 0}]}, 422),
        ({"practise": ["a", "b", "c", "d"]}, 422),
        ({"overall_note": "nul\x00"}, 422),
    ):
        assert client.put(url, body, content_type="application/json").status_code == status
    # Incomplete: not shared.
    assert client.post(f"{url}/share").status_code == 400


def test_nothing_reaches_other_agencies_candidates_or_employers(coached: World) -> None:
    world = coached
    mock = _shared_mock(world, score=4, held_on=datetime.date(2026, 11, 2))
    MockInterview.objects.filter(pk=mock.pk).update(overall_note=CANARY)
    # The same person is a candidate of agency B too: B sees none of A's mock interviews.
    in_b = make_member(world.b.agency, Role.CANDIDATE, user=world.a.candidate.user)
    make_programme(world.b, candidate=in_b, coaches=[world.b.coach])
    person = Client()
    person.force_login(world.a.candidate.user)
    slug_b = world.b.agency.slug
    assert CANARY not in person.get(f"/a/{slug_b}/jobs/mock-interviews/").content.decode()
    assert person.get(f"/api/v1/a/{slug_b}/jobs/mock-interviews").json() == []
    assert (
        person.get(
            reverse("jobs:mock_detail", kwargs={"agency_slug": slug_b, "public_id": mock.public_id})
        ).status_code
        == 404
    )
    coach_b = Client()
    coach_b.force_login(world.b.coach.user)
    listed = coach_b.get(f"/api/v1/a/{slug_b}/jobs/candidates/{in_b.public_id}/mock-interviews")
    assert listed.status_code == 200
    assert listed.json() == []
    # Another candidate of A, and an employer contact of A.
    for member in (world.a.candidate2, world.a.contact):
        client = Client()
        client.force_login(member.user)
        for url in (
            _url("mock_list", world),
            _url("mock_detail", world, public_id=mock.public_id),
            _url("mock_score", world, public_id=mock.public_id),
            _url("mock_coach_list", world, public_id=world.a.candidate.public_id),
            _api(world, "mock-interviews"),
        ):
            response = client.get(url)
            assert CANARY not in response.content.decode(), (member.role, url)
