"""Vacancy writes: feed imports (JSON-LD, CSV) and vacancies added by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from springboard.jobs import tasks
from springboard.jobs.importing import Posting, Rejection, UnreadableFile, read_feed
from springboard.jobs.models import Vacancy, VacancySource
from springboard.jobs.services.enrichment import bump_generation, enrich
from springboard.tenancy.models import Agency, Membership

BATCH = 1000


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # Files that could not be read at all: (file, reason). They make the command fail.
    unreadable: list[Rejection] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The summary shape the command prints (`unreadable` files are rejected items 0)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "rejected": [
                {"file": r.file, "item": r.item, "reason": str(r.reason)}
                for r in (*self.unreadable, *self.rejected)
            ],
        }


def vacancies_import(
    *,
    agency: Agency,
    files: Iterable[tuple[str, bytes]],
    owner: Membership | None = None,
) -> ImportSummary:
    """Import feeds into the agency's shared vacancies (or one candidate's own, `owner`).

    A posting seen before (same URL, or identifier) is updated when it changed and left alone
    when it did not; a new posting with the employer, title and place of a stored one is a
    duplicate and skipped; a bad item is reported and skipped. One transaction: all or nothing.
    """
    summary = ImportSummary()
    read: list[tuple[Posting, VacancySource]] = []
    for name, data in files:
        try:
            result = read_feed(name, data)
        except UnreadableFile as error:
            summary.unreadable.append(Rejection(name, 0, error.reason))
            continue
        summary.rejected.extend(result.rejections)
        source = VacancySource.CSV if result.is_csv else VacancySource.JSON_LD
        read.extend((posting, source) for _position, posting in result.postings)
    if not read:
        return summary

    scope = Vacancy.objects.filter(agency=agency, owner=owner)
    now = timezone.now()
    with transaction.atomic():
        by_key: dict[str, Vacancy] = {}
        keys = list({p.source_key for p, _ in read})
        for start in range(0, len(keys), BATCH):
            for vacancy in scope.filter(
                source_key__in=keys[start : start + BATCH]
            ).select_for_update():
                by_key[vacancy.source_key] = vacancy
        dup_keys = list({p.duplicate_key for p, _ in read})
        taken: set[str] = set()
        for start in range(0, len(dup_keys), BATCH):
            taken.update(
                scope.filter(duplicate_key__in=dup_keys[start : start + BATCH]).values_list(
                    "duplicate_key", flat=True
                )
            )
        created: list[Vacancy] = []
        changed: dict[int, Vacancy] = {}
        for posting, source in read:
            known = by_key.get(posting.source_key)
            if known is not None:
                if known.content_hash == posting.content_hash:
                    summary.unchanged += 1
                    continue
                for name, value in posting.model_fields().items():
                    setattr(known, name, value)
                known.duplicate_key = posting.duplicate_key
                known.content_hash = posting.content_hash
                known.updated_at = now
                if known.pk is not None:
                    changed[known.pk] = known
                summary.updated += 1
                continue
            if posting.duplicate_key in taken:
                summary.duplicates += 1
                continue
            vacancy = Vacancy(
                agency=agency,
                owner=owner,
                source=source,
                source_key=posting.source_key,
                duplicate_key=posting.duplicate_key,
                content_hash=posting.content_hash,
                **posting.model_fields(),
            )
            created.append(vacancy)
            by_key[posting.source_key] = vacancy
            taken.add(posting.duplicate_key)
        Vacancy.objects.bulk_create(created, batch_size=BATCH)
        summary.created = len(created)
        if changed:
            Vacancy.objects.bulk_update(
                list(changed.values()),
                [
                    *Posting("", "").model_fields(),
                    "duplicate_key",
                    "content_hash",
                    "updated_at",
                ],
                batch_size=BATCH,
            )
        if owner is None and (created or changed):
            bump_generation(agency.pk)
        written = [v.pk for v in created] + list(changed)
        for start in range(0, len(written), BATCH):
            transaction.on_commit(
                partial(
                    tasks.enrich_vacancies.enqueue,
                    agency_id=agency.pk,
                    vacancy_ids=written[start : start + BATCH],
                )
            )
    return summary


def vacancy_create(*, agency: Agency, owner: Membership | None, posting: Posting) -> Vacancy:
    """A vacancy added by hand (agency-wide, or a candidate's own); the text is cleaned like an
    import's, and the engine reads its skills."""
    vacancy = Vacancy(
        agency=agency,
        owner=owner,
        source=VacancySource.MANUAL,
        source_key="",
        duplicate_key=posting.duplicate_key,
        content_hash=posting.content_hash,
        **posting.model_fields(),
    )
    enrich([vacancy])
    vacancy.save()
    if owner is None:
        bump_generation(agency.pk)
    return vacancy
