"""New instrument versions from reference data: unchanged content keeps the version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction

from springboard.assessments.models import Instrument, InstrumentVersion


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def instrument_version_ensure(
    *, key: str, kind: str, rule: str, position: int, content: dict[str, Any]
) -> tuple[InstrumentVersion, bool]:
    """The latest version of `key` holding `content` and `rule`; a new one when either changed.
    Attempts keep pointing at the version they were taken on."""
    digest = content_hash({"content": content, "rule": rule})
    with transaction.atomic():
        instrument, _created = Instrument.objects.select_for_update().get_or_create(
            key=key, defaults={"kind": kind, "position": position}
        )
        if (instrument.kind, instrument.position) != (kind, position):
            instrument.kind, instrument.position = kind, position
            instrument.save(update_fields=["kind", "position"])
        latest = instrument.versions.order_by("-number").first()
        if latest is not None and latest.content_hash == digest:
            return latest, False
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            number=(latest.number + 1) if latest else 1,
            content=content,
            content_hash=digest,
            scoring_rule=rule,
        )
    return version, True
