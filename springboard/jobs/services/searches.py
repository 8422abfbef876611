"""Saved searches of "jobs for you" and their e-mail digests.

`digests_enqueue` claims this period's digest of each opted-in search with a unique row
(`DigestSent`) before anything is queued, as programmes' reminders do: a second run, or a second
worker at the same time, finds the claim taken and queues nothing. A search with no new vacancy
claims nothing and sends nothing.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# The module, not its task: the tasks module imports the services package (enrichment), so
# whichever of the two loads first must not need the other's names at import time.
from springboard.jobs import tasks
from springboard.jobs.models import DigestFrequency, DigestSent, SavedSearch
from springboard.jobs.selectors import digest_vacancies
from springboard.lib.errors import DomainError
from springboard.tenancy.models import Membership


def saved_search_create(
    *, owner: Membership, name: str, query: str = "", place: str = "", digest: str = "off"
) -> SavedSearch:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the search a name."), field="name")
    if digest not in DigestFrequency.values:
        raise DomainError(_("Choose how often to get an e-mail."), field="digest")
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(
                owner=owner,
                name=name[:100],
                query=query.strip()[:100],
                place=place.strip()[:100],
                digest=digest,
                digest_since=timezone.now(),
            )
    except IntegrityError:
        raise DomainError(_("You already have a search with this name."), field="name") from None


def saved_search_set_digest(*, search: SavedSearch, digest: str) -> SavedSearch:
    """Switch the digest on (daily or weekly) or off. Switching it on starts from now: the
    first digest lists vacancies added after the opt-in, not the whole backlog."""
    if digest not in DigestFrequency.values:
        raise DomainError(_("Choose how often to get an e-mail."), field="digest")
    if digest != search.digest:
        if search.digest == DigestFrequency.OFF:
            search.digest_since = timezone.now()
        search.digest = digest
        search.save(update_fields=["digest", "digest_since"])
    return search


def saved_search_delete(*, search: SavedSearch) -> None:
    search.delete()


def digest_period(frequency: str, today: datetime.date) -> str:
    """The period a digest is for: the day, or the ISO week."""
    if frequency == DigestFrequency.DAILY:
        return today.isoformat()
    year, week, _weekday = today.isocalendar()
    return f"{year}-W{week:02d}"


def digests_enqueue(*, now: datetime.datetime) -> int:
    """Claim this period's digest of every opted-in search that has new vacancies and queue
    its e-mail; returns how many were claimed."""
    today = timezone.localdate(now)
    claimed = []
    searches = SavedSearch.objects.filter(
        digest__in=(DigestFrequency.DAILY, DigestFrequency.WEEKLY), owner__is_active=True
    ).select_related("owner__agency")
    for search in searches.iterator():
        if not digest_vacancies(search, since=search.digest_since, until=now, limit=1):
            continue
        try:
            with transaction.atomic():
                claim = DigestSent.objects.create(
                    search=search,
                    period=digest_period(search.digest, today),
                    since=search.digest_since,
                    until=now,
                )
                SavedSearch.objects.filter(pk=search.pk).update(digest_since=now)
        except IntegrityError:
            continue
        claimed.append(claim.pk)
    for digest_id in claimed:
        transaction.on_commit(partial(tasks.send_job_digest.enqueue, digest_id=digest_id))
    return len(claimed)


def saved_search_unsubscribe(*, search: SavedSearch) -> SavedSearch:
    return saved_search_set_digest(search=search, digest=DigestFrequency.OFF)
