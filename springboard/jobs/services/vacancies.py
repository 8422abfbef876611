"""Vacancy writes: feed imports (JSON-LD, CSV) and vacancies added by hand."""

from __future__ import annotations

import datetime
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
from springboard.lib.bulk import ids_by, insert_rows, random_uuid_hexes
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
        # Postings seen before: only their id and hash are read (and locked); an update
        # writes the imported fields by id, so the rest of the row (skills) is not loaded.
        known: dict[str, tuple[int, str]] = {}
        keys = list({p.source_key for p, _ in read})
        for start in range(0, len(keys), BATCH):
            rows = (
                scope.filter(source_key__in=keys[start : start + BATCH])
                .select_for_update()
                .values_list("source_key", "pk", "content_hash")
            )
            known.update((key, (pk, digest)) for key, pk, digest in rows)
        dup_keys = list({p.duplicate_key for p, _ in read})
        taken: set[str] = set()
        for start in range(0, len(dup_keys), BATCH):
            taken.update(
                scope.filter(duplicate_key__in=dup_keys[start : start + BATCH]).values_list(
                    "duplicate_key", flat=True
                )
            )
        # A posting twice in one import: the later copy replaces the earlier (new or updated).
        created: dict[str, tuple[Posting, VacancySource]] = {}
        changed: dict[int, Posting] = {}
        for posting, source in read:
            key = posting.source_key
            if key in created:
                if created[key][0].content_hash == posting.content_hash:
                    summary.unchanged += 1
                else:
                    created[key] = (posting, created[key][1])
                    summary.updated += 1
                continue
            if key in known:
                pk, digest = known[key]
                if digest == posting.content_hash:
                    summary.unchanged += 1
                    continue
                changed[pk] = posting
                known[key] = (pk, posting.content_hash)
                summary.updated += 1
                continue
            if posting.duplicate_key in taken:
                summary.duplicates += 1
                continue
            created[key] = (posting, source)
            taken.add(posting.duplicate_key)
        new_ids = _insert(agency, owner, list(created.values()), now)
        summary.created = len(new_ids)
        if changed:
            Vacancy.objects.bulk_update(
                [_updated(pk, posting, now) for pk, posting in changed.items()],
                [*IMPORTED_FIELDS, "duplicate_key", "content_hash", "updated_at"],
                batch_size=BATCH,
            )
        if owner is None and (created or changed):
            bump_generation(agency.pk)
        written = new_ids + list(changed)
        for start in range(0, len(written), BATCH):
            transaction.on_commit(
                partial(
                    tasks.enrich_vacancies.enqueue,
                    agency_id=agency.pk,
                    vacancy_ids=written[start : start + BATCH],
                )
            )
    return summary


IMPORTED_FIELDS = tuple(Posting("", "").model_fields())
INSERTED_COLUMNS = (
    "public_id",
    "agency",
    "owner",
    "source",
    "source_key",
    "duplicate_key",
    "content_hash",
    "skill_uris",
    "occupation_uri",
    "created_at",
    "updated_at",
    *IMPORTED_FIELDS,
)


def _insert(
    agency: Agency,
    owner: Membership | None,
    postings: list[tuple[Posting, VacancySource]],
    now: datetime.datetime,
) -> list[int]:
    """New vacancies as plain rows (COPY on PostgreSQL: building and preparing a model
    instance per row was most of an import's time); their ids, in the order given."""
    if not postings:
        return []
    owner_id = None if owner is None else owner.pk
    insert_rows(
        Vacancy,
        INSERTED_COLUMNS,
        (
            (
                public_id,
                agency.pk,
                owner_id,
                source,
                posting.source_key,
                posting.duplicate_key,
                posting.content_hash,
                [],
                "",
                now,
                now,
                *posting.model_fields().values(),
            )
            for public_id, (posting, source) in zip(
                random_uuid_hexes(len(postings)), postings, strict=True
            )
        ),
    )
    keys = [posting.source_key for posting, _ in postings]
    ids = ids_by(Vacancy, "source_key", keys, agency=agency, owner=owner)
    return [ids[key] for key in keys]


def _updated(pk: int, posting: Posting, now: datetime.datetime) -> Vacancy:
    """The row `bulk_update` writes for a changed posting (only the imported fields)."""
    return Vacancy(
        pk=pk,
        duplicate_key=posting.duplicate_key,
        content_hash=posting.content_hash,
        updated_at=now,
        **posting.model_fields(),
    )


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
