"""Importers of reference data that other apps own, run by `springboard import-reference-data`.

The command lives here, in the taxonomy, but test items (assessments) and occupation interest
profiles belong to apps above this layer. They register an importer in their `AppConfig.ready()`
so the one command loads everything below the data path without the taxonomy importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

# (data path, write one line of the command's report) → None; re-running must change nothing.
ReferenceImporter = Callable[[Path, Callable[[str], None]], None]

_IMPORTERS: dict[str, ReferenceImporter] = {}


def register_reference_importer(name: str, importer: ReferenceImporter) -> None:
    """Add an importer; registering the same name again replaces it (ready() may run twice)."""
    _IMPORTERS[name] = importer


def reference_importers() -> list[tuple[str, ReferenceImporter]]:
    return sorted(_IMPORTERS.items())
