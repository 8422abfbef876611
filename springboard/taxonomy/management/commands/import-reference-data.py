"""`springboard import-reference-data [PATH]`: import the ESCO download and MELO labels."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.lib.errors import DomainError
from springboard.taxonomy.models import TaxonomyVersion
from springboard.taxonomy.reference_data_importers import reference_importers
from springboard.taxonomy.services import SAMPLE_PATH, reference_data_import


class Command(BaseCommand):
    help = (
        "Import every ESCO CSV file (occupations, skills, ISCO groups, skill groups, relations; "
        "v1.1.x/v1.2.x, every language) and MELO occupation-label TSV found below PATH "
        "(default: settings.REFERENCE_DATA_PATH; the built-in sample when that is missing). "
        "Re-running it changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="reference data directory")
        parser.add_argument(
            "--sample",
            action="store_true",
            help="import the small made-up sample shipped with Springboard (demo without data)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["path"]
        sample = bool(options["sample"])
        if path is None and not sample:
            path = Path(settings.REFERENCE_DATA_PATH)
            if not path.is_dir():
                self.stdout.write(
                    f"{path} does not exist: importing the built-in SAMPLE taxonomy instead."
                )
                sample = True
        if sample:
            current = TaxonomyVersion.objects.order_by("-number").first()
            if current is not None and not current.is_sample:
                self.stdout.write("The taxonomy already holds real reference data: kept as it is.")
                return
            path = SAMPLE_PATH
        assert path is not None
        self._import_taxonomy(path, sample=sample, verbose=options["verbosity"] >= 2)
        if not sample:
            # Other apps' reference data (test items, interest profiles) below the same path.
            for name, importer in reference_importers():
                self.stdout.write(f"{name}:")
                importer(path, self.stdout.write)

    def _import_taxonomy(self, path: Path, *, sample: bool, verbose: bool) -> None:
        started = time.perf_counter()
        try:
            report = reference_data_import(path=path, sample=sample, on_progress=self._progress)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write("")
        self.stdout.write(f"Used {len(report.plan.used)} files below {path}:")
        for used in report.plan.used:
            lang = f" [{used.lang}]" if used.lang else ""
            self.stdout.write(f"  {used.path.relative_to(path)}  ({used.kind}{lang})")
        self.stdout.write(f"Skipped {len(report.plan.skipped)} files:")
        reasons: dict[str, int] = {}
        for skipped, reason in report.plan.skipped:
            if verbose or not reason.startswith("not part"):
                self.stdout.write(f"  {skipped.relative_to(path)}: {reason}")
            else:
                reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in reasons.items():
            self.stdout.write(f"  {count} other files: {reason} (-v 2 lists them)")
        for name, result in report.tables.items():
            if result.changed or result.unresolved:
                self.stdout.write(
                    f"  {name}: {result.created} new, {result.updated} updated, "
                    f"{result.deleted} removed, {result.unresolved} unresolved references"
                )
        seconds = time.perf_counter() - started
        if report.version is None:
            self.stdout.write(self.style.SUCCESS(f"Nothing changed ({seconds:.1f} s)."))
        else:
            kind = "SAMPLE " if report.version.is_sample else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {kind}taxonomy version {report.version.number} ({seconds:.1f} s)."
                )
            )

    def _progress(self, step: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {step:<24}", ending=""
        )
        self.stdout.flush()
