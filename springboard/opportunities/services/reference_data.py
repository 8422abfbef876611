"""Import O*NET interest profiles and Nesta's ESCO → O*NET crosswalk (idempotent).

Registered with `springboard import-reference-data` (see `apps.py`); the files are read by
`onet_files`. Each file is the complete set of what it covers: rows it no longer holds are
removed, unchanged rows are not written, so a second run over the same files changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from springboard.opportunities.models import EscoOnetLink, OnetInterestProfile
from springboard.opportunities.onet_files import (
    CROSSWALK_FILE,
    INTERESTS_FILE,
    SOC_PARENT,
    find_file,
    parse_crosswalk,
    parse_interests,
)

BATCH = 1000


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self, what: str) -> str:
        text = (
            f"  {what}: {self.created} new, {self.updated} updated, {self.deleted} removed, "
            f"{self.skipped} rows skipped"
        )
        return "; ".join([text, *self.notes])


def _sync(
    model: type[models.Model], key: str, wanted: dict[str, dict[str, Any]], counts: ImportCounts
) -> None:
    """Make the table hold exactly ``wanted`` (key value → field values), writing only changes."""
    now = timezone.now()
    fields = sorted({name for values in wanted.values() for name in values})
    existing = {getattr(row, key): row for row in model._default_manager.all()}
    new, changed = [], []
    for key_value, values in wanted.items():
        row = existing.get(key_value)
        if row is None:
            new.append(model(**{key: key_value, **values, "imported_at": now}))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.imported_at = now  # type: ignore[attr-defined]
            changed.append(row)
    gone = [row.pk for key_value, row in existing.items() if key_value not in wanted]
    model._default_manager.bulk_create(new, batch_size=BATCH)
    if changed:
        model._default_manager.bulk_update(changed, [*fields, "imported_at"], batch_size=BATCH)
    if gone:
        model._default_manager.filter(pk__in=gone).delete()
    counts.created, counts.updated, counts.deleted = len(new), len(changed), len(gone)


def import_interest_reference_data(path: Path, write: Callable[[str], None]) -> None:
    """The importer `import-reference-data` runs; does nothing when the files are not there."""
    interests = find_file(path, INTERESTS_FILE)
    if interests is None:
        write(f"  {INTERESTS_FILE} not found below {path}: O*NET interest profiles not imported.")
        return
    profiles, skipped = parse_interests(interests)
    profile_counts = ImportCounts(skipped=skipped)
    with transaction.atomic():
        _sync(OnetInterestProfile, "onet_code", profiles, profile_counts)
    write(profile_counts.line(f"O*NET interest profiles ({len(profiles)})"))
    crosswalk = find_file(path, CROSSWALK_FILE)
    if crosswalk is None:
        write(f"  {CROSSWALK_FILE} not found below {path}: occupations keep no interest profile.")
        return
    links, skipped = parse_crosswalk(crosswalk, set(profiles))
    link_counts = ImportCounts(skipped=skipped)
    parents = sum(1 for link in links.values() if link["match"] == SOC_PARENT)
    link_counts.notes.append(f"{parents} linked through the SOC code's main occupation")
    with transaction.atomic():
        _sync(EscoOnetLink, "occupation_uri", links, link_counts)
    write(link_counts.line(f"ESCO → O*NET links ({len(links)})"))
