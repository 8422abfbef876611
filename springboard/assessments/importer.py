"""`springboard import-reference-data` → the instruments (registered in AppConfig.ready())."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from springboard.assessments.content import SPECS, ContentError
from springboard.assessments.services.versions import instrument_version_ensure


def import_instruments(path: Path, write: Callable[[str], None]) -> None:
    """Every instrument whose files are below `path`; re-running changes nothing, changed data
    makes a new version. An instrument whose files are missing or malformed is skipped with
    the reason, the others are still imported."""
    for position, spec in enumerate(SPECS):
        try:
            content = spec.build(path)
        except ContentError as error:
            write(f"  {spec.key}: skipped ({error})")
            continue
        version, created = instrument_version_ensure(
            key=spec.key, kind=spec.kind, rule=spec.rule, position=position, content=content
        )
        state = "new" if created else "unchanged"
        write(f"  {spec.key}: version {version.number} ({state}, {len(version.items)} items)")
