"""Saved searches of "jobs for you" and their e-mail digests: saving and managing them, one
digest per search per period with only the vacancies new since the last one, in the candidate's
language, nothing when there is nothing new, and the one-click unsubscribe link."""

from __future__ import annotations

import datetime
import re
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.jobs.models import DigestSent, SavedSearch, Vacancy
from springboard.jobs.services import digests_enqueue, saved_search_create
from springboard.jobs.tokens import unsubscribe_token
from springboard.tenancy.models import Agency, Membership
from tests.factories import World


def _vacancy(agency: Agency, title: str, *, place: str = "Utrecht") -> Vacancy:
    return Vacancy.objects.create(
        agency=agency,
        title=title,
        employer="Acme",
        place=place,
        source="manual",
        duplicate_key=f"acme|{title}|{place}".casefold(),
    )


def _url(world: World, name: str, **kwargs: Any) -> str:
    return reverse(f"jobs:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _send(capture: Any) -> None:
    with capture(execute=True):
        call_command("send-job-digests", stdout=StringIO())


def _search(
    owner: Membership, *, digest: str = "daily", query: str = "clerk", name: str = "Clerk jobs"
) -> SavedSearch:
    search = saved_search_create(owner=owner, name=name, query=query, digest=digest)
    # Opted in an hour ago: vacancies added since then are new to the candidate.
    SavedSearch.objects.filter(pk=search.pk).update(
        digest_since=timezone.now() - datetime.timedelta(hours=1)
    )
    search.refresh_from_db()
    return search


def test_candidate_saves_switches_and_deletes_searches(world: World, client: Client) -> None:
    theirs = _search(world.a.candidate2, name="Their secret search")
    client.force_login(world.a.candidate.user)
    assert "Save this search" in client.get(_url(world, "for_you"), {"q": "clerk"}).text
    saved = client.post(
        _url(world, "searches"),
        {"name": " Clerk  jobs ", "q": "clerk", "place": "Utrecht", "digest": "weekly"},
    )
    assert saved.status_code == 302
    search = SavedSearch.objects.get(owner=world.a.candidate)
    assert (search.name, search.query, search.place, search.digest) == (
        "Clerk jobs",
        "clerk",
        "Utrecht",
        "weekly",
    )
    again = client.post(_url(world, "searches"), {"name": "clerk JOBS", "digest": "off"})
    assert "You already have a search with this name." in again.text
    page = client.get(_url(world, "searches"))
    assert "Clerk jobs" in page.text
    assert "Their secret search" not in page.text

    prefix = str(search.public_id)
    client.post(
        _url(world, "search_digest", public_id=search.public_id), {f"{prefix}-digest": "off"}
    )
    search.refresh_from_db()
    assert search.digest == "off"
    other = client.post(_url(world, "search_delete", public_id=theirs.public_id))
    assert other.status_code == 404
    client.post(_url(world, "search_delete", public_id=search.public_id))
    assert not SavedSearch.objects.filter(owner=world.a.candidate).exists()
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


def test_one_digest_per_period_with_only_new_vacancies(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    search = _search(world.a.candidate)
    _vacancy(world.a.agency, "Clerk")
    _vacancy(world.a.agency, "Welder")  # does not match the search
    _vacancy(world.b.agency, "Clerk at the other agency")
    _send(django_capture_on_commit_callbacks)
    _send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.a.candidate.user.email]
    assert "Clerk — Acme, Utrecht" in message.body
    assert "Welder" not in message.body
    assert "other agency" not in message.body
    assert DigestSent.objects.filter(search=search, sent_at__isnull=False).count() == 1

    # The next day: a new vacancy is in the next digest, the one already sent is not.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    _vacancy(world.a.agency, "Senior clerk")
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_enqueue(now=tomorrow) == 1
    assert len(mail.outbox) == 2
    assert "Senior clerk" in mail.outbox[1].body
    assert "- Clerk — Acme" not in mail.outbox[1].body


def test_nothing_new_sends_nothing_and_off_is_off(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _search(world.a.candidate)
    _search(world.a.candidate2, digest="off")
    _send(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    _vacancy(world.a.agency, "Clerk")
    SavedSearch.objects.filter(owner=world.a.candidate).update(digest="off")
    _send(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_digest_in_the_candidates_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    Membership.objects.filter(pk=world.a.candidate.pk).update(language="nl")
    _search(world.a.candidate)
    _vacancy(world.a.agency, "Clerk")
    _send(django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == '1 nieuwe vacature voor "Clerk jobs"'


def test_unsubscribe_in_one_click(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    search = _search(world.a.candidate)
    _vacancy(world.a.agency, "Clerk")
    _send(django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    link = re.search(r"https?://\S+/unsubscribe/\S+/", str(message.body))
    assert link is not None
    assert message.extra_headers["List-Unsubscribe"] == f"<{link.group(0)}>"
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")  # not signed in
    assert page.status_code == 200
    search.refresh_from_db()
    assert search.digest == "off"

    edited = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(f"/{edited}").status_code == 404
    other = unsubscribe_token(search_id=search.public_id, agency_slug=world.b.agency.slug)
    answer = client.post(_url(world, "search_unsubscribe", token=other))
    assert answer.status_code == 404
