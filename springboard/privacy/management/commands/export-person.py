from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.privacy.exports.services import ExportRefused, export_person_to


class Command(BaseCommand):
    help = (
        "Write everything one agency holds about one person (by the address they sign in with) "
        "to a ZIP file: one JSON file per kind of record, their files, who read their data, and "
        "a README in their language. Nothing of their other agencies. An unknown agency or "
        "address exits with an error and writes no file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="the agency's short name (slug)")
        parser.add_argument("--email", required=True, help="the person's sign-in address")
        parser.add_argument("output", type=Path, help="the ZIP file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if not output.resolve().parent.is_dir():
            raise CommandError(f"No folder to write {output} into.")
        try:
            result = export_person_to(
                agency_slug=options["agency"], email=options["email"], output=output
            )
        except ExportRefused as refused:
            raise CommandError(str(refused)) from refused
        summary = result.summary
        self.stdout.write(
            f"Wrote {output} ({result.size} bytes): {summary.records} records in "
            f"{len(summary.kinds)} files, {summary.files} documents, for "
            f"{result.membership.user.email} in {result.membership.agency.slug}."
        )
