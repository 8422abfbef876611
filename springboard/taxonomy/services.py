"""Writes to the taxonomy: only the reference-data import (global data, no tenant, no actor).

The taxonomy holds no personal data and no agency's data, so the import writes no audit event;
the TaxonomyVersion row it creates records what changed and from which files.
"""

from __future__ import annotations

from pathlib import Path

from springboard.lib.errors import DomainError
from springboard.taxonomy.importing import ImportReport, Progress, run_import
from springboard.taxonomy.models import TaxonomyVersion

SAMPLE_PATH = Path(__file__).resolve().parent / "sample"


def reference_data_import(
    *, path: Path, sample: bool = False, on_progress: Progress | None = None
) -> ImportReport:
    """Import every ESCO/MELO file recognised below ``path`` (idempotent).

    ``sample`` marks the run as the small made-up sample shipped with Springboard; it may
    only go into an empty (or sample) taxonomy, and a later real import replaces it.
    """
    if not path.is_dir():
        raise DomainError(f"{path} is not a directory.")
    if sample:
        current = TaxonomyVersion.objects.order_by("-number").first()
        if current is not None and not current.is_sample:
            raise DomainError(
                "The taxonomy already holds real reference data; not importing the sample."
            )
    return run_import(path, is_sample=sample, on_progress=on_progress)
