"""Taking instruments on the pages, resuming on another device, results, coach reads, canaries."""

from __future__ import annotations

from pathlib import Path

from django.core import mail
from django.test import Client
from django.urls import reverse

from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt, Comment
from springboard.privacy.models import AuditEvent
from springboard.programmes.models import Programme
from tests.factories import World, make_programme

FIXTURES = Path(__file__).parent / "fixtures" / "assessments"
CANARY = "zebra-canary-7731"


def _load() -> None:
    import_instruments(FIXTURES, lambda line: None)


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"assessments:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _client(world: World, member: str = "candidate") -> Client:
    client = Client()
    client.force_login(getattr(world.a, member).user)
    return client


def test_take_interest_profiler_across_two_devices(world: World) -> None:
    _load()
    phone, laptop = _client(world), _client(world)
    page = phone.get(_url("list", world))
    assert page.status_code == 200
    assert "Not started" in page.text
    instrument_url = _url("instrument", world, instrument="interest-profiler-60")
    assert "Start" in phone.get(instrument_url).text
    assert phone.post(instrument_url).status_code == 302
    attempt = Attempt.objects.get()
    save_url = _url("save", world, attempt_id=attempt.public_id)
    # Page 1 on the phone, saved by htmx on change.
    answers = {f"item-{n}": "5" for n in range(1, 11)}
    saved = phone.post(save_url, {"page": "1", **answers}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "10 of 60 answered" in saved.text
    # The laptop continues where the phone stopped: page 2, with the progress in the list.
    assert "10 of 60 answered" in laptop.get(_url("list", world)).text
    page = laptop.get(instrument_url)
    assert "Page 2 of 6" in page.text
    assert 'name="item-11"' in page.text
    for number in range(2, 7):
        page_answers = {f"item-{n}": "1" for n in range((number - 1) * 10 + 1, number * 10 + 1)}
        go = "finish" if number == 6 else "next"
        response = laptop.post(save_url, {"page": str(number), "go": go, **page_answers})
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_complete
    assert attempt.scores is not None
    # Items 1-10: R, R, I, I, A, A, S, S, E, E answered 5 (+4 each); the rest 1 (0).
    assert attempt.scores["scores"] == {"R": 8, "I": 8, "A": 8, "S": 8, "E": 8, "C": 0}
    result = phone.get(_url("result", world, attempt_id=attempt.public_id))
    assert result.status_code == 200
    assert "<svg" in result.text
    assert "<title" in result.text
    assert "RIA" in result.text
    assert "R = I = A = S = E" in result.text  # ties shown as ties
    assert "CC BY 4.0" in result.text
    listing = phone.get(_url("list", world))
    assert "Done" in listing.text
    # Taking it again is a new attempt; the old one stays in the history.
    phone.post(instrument_url)
    assert Attempt.objects.count() == 2
    assert "Result of" in phone.get(instrument_url).text


def test_finish_refused_while_items_are_open(world: World) -> None:
    _load()
    client = _client(world)
    client.post(_url("instrument", world, instrument="work-values"))
    attempt = Attempt.objects.get()
    save_url = _url("save", world, attempt_id=attempt.public_id)
    response = client.post(save_url, {"page": "1", "go": "finish", "item-1.B.2.a.1": "4"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.is_complete
    assert attempt.answers == {"1.B.2.a.1": 4}
    bad = client.post(save_url, {"page": "1", "item-1.B.2.a.1": "9"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    assert "Choose one of the answers." in bad.text
    bad = client.post(save_url, {"page": "x", "item-1.B.2.a.1": "abc"})
    assert bad.status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == {"1.B.2.a.1": 4}


def _strengths_with_canary(world: World) -> Attempt:
    client = _client(world)
    client.post(_url("instrument", world, instrument="strengths"))
    attempt = Attempt.objects.get(version__instrument__key="strengths")
    entries_url = _url("entries", world, attempt_id=attempt.public_id)
    client.post(
        entries_url, {"action": "add", "section": "strength", "text": CANARY, "example": "x"}
    )
    client.post(entries_url, {"action": "add", "section": "weakness", "text": "Patience"})
    client.post(entries_url, {"action": "add", "section": "weakness", "text": "Delete me"})
    client.post(entries_url, {"action": "remove", "section": "weakness", "index": "1"})
    client.post(entries_url, {"action": "remove", "section": "weakness", "index": "99"})
    client.post(_url("save", world, attempt_id=attempt.public_id), {"page": "1", "go": "finish"})
    attempt.refresh_from_db()
    return attempt


def test_strengths_coach_comments_and_audit(world: World) -> None:
    _load()
    programme = make_programme(world.a)
    attempt = _strengths_with_canary(world)
    assert attempt.is_complete
    assert attempt.answers == {
        "strength": [{"text": CANARY, "example": "x"}],
        "weakness": [{"text": "Patience", "example": ""}],
    }
    coach = _client(world, "coach")
    overview = coach.get(_url("coach_results", world, public_id=programme.public_id))
    assert overview.status_code == 200
    assert AuditEvent.objects.filter(action="assessments.results_read").count() == 1
    detail_url = _url(
        "coach_attempt", world, public_id=programme.public_id, attempt_id=attempt.public_id
    )
    assert CANARY in coach.get(detail_url).text
    assert AuditEvent.objects.filter(action="assessments.answers_read").count() == 1
    comment_url = _url(
        "comment", world, public_id=programme.public_id, attempt_id=attempt.public_id
    )
    assert coach.post(comment_url, {"text": "  "}).status_code == 400
    assert coach.post(comment_url, {"text": "Strong example."}).status_code == 302
    assert Comment.objects.get().text == "Strong example."
    mine = _client(world).get(_url("result", world, attempt_id=attempt.public_id))
    assert "Strong example." in mine.text


def test_canary_never_reaches_employer_contact_or_admin(world: World) -> None:
    _load()
    programme: Programme = make_programme(world.a)
    attempt = _strengths_with_canary(world)
    contact, admin = _client(world, "contact"), _client(world, "admin")
    coach2 = _client(world, "coach2")
    urls = [
        _url("coach_results", world, public_id=programme.public_id),
        _url("coach_attempt", world, public_id=programme.public_id, attempt_id=attempt.public_id),
        _url("result", world, attempt_id=attempt.public_id),
        _url("list", world),
        reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}),
        reverse("api:assessment_instruments", kwargs={"agency_slug": world.a.agency.slug}),
        reverse(
            "api:assessment_coach_attempts",
            kwargs={"agency_slug": world.a.agency.slug, "programme_id": programme.public_id},
        ),
    ]
    for client in (contact, admin, coach2):
        for url in urls:
            response = client.get(url)
            assert CANARY not in response.content.decode(), (url, response.status_code)
    assert all(CANARY not in message.body for message in mail.outbox)


def test_odd_input_is_refused_not_a_500(world: World) -> None:
    _load()
    client = _client(world)
    client.post(_url("instrument", world, instrument="interest-profiler-60"))
    client.post(_url("instrument", world, instrument="strengths"))
    likert = Attempt.objects.get(version__instrument__key="interest-profiler-60")
    entries = Attempt.objects.get(version__instrument__key="strengths")
    save_url = _url("save", world, attempt_id=likert.public_id)
    for value in ("²", "-1", "3.0", "99999999999999999999"):
        response = client.post(save_url, {"page": value, "item-1": value})
        assert response.status_code == 302
    # Control characters are refused site-wide before the view.
    assert client.post(save_url, {"page": "1", "item-1": "\x00"}).status_code == 400
    entries_url = _url("entries", world, attempt_id=entries.public_id)
    for index in ("²", "-1", "99999999"):
        response = client.post(
            entries_url, {"action": "remove", "section": "strength", "index": index}
        )
        assert response.status_code == 302
    long_text = {"action": "add", "section": "strength", "text": "x" * 501}
    assert client.post(entries_url, long_text).status_code == 400
    wrong_section = {"action": "add", "section": "nope", "text": "Fine"}
    assert client.post(entries_url, wrong_section).status_code == 400
    likert.refresh_from_db()
    entries.refresh_from_db()
    assert likert.answers == {}
    assert entries.answers == {}


def test_not_imported_instrument_explains_itself_to_a_plan_link(world: World) -> None:
    """Before `import-reference-data`, a plan task's link to a questionnaire is a clear page,
    not a 404, and the list shows the same state."""
    # A path without the reference files: only the free-text instruments (our own) import.
    import_instruments(FIXTURES / "missing", lambda line: None)
    client = _client(world)
    listing = client.get(_url("list", world))
    assert listing.status_code == 200
    assert "Strengths and weaknesses" in listing.text
    assert listing.text.count("Not available yet") == 3  # interests, work values, Big Five
    url = _url("instrument", world, instrument="interest-profiler-60")
    page = client.get(url)
    assert page.status_code == 200
    assert "This questionnaire is not available yet." in page.text
    assert "Interests (O*NET Interest Profiler)" in page.text
    # Trying to start it lands on the same explanation and creates nothing.
    assert client.post(url)["Location"] == url
    assert not Attempt.objects.exists()
    assert client.get(_url("instrument", world, instrument="no-such-thing")).status_code == 404
    # Once imported, the same link opens the questionnaire.
    _load()
    assert "Start" in client.get(url).text
    assert "Not available yet" not in client.get(_url("list", world)).text
