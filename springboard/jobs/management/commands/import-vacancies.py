import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.jobs.importing import MAX_FILE_BYTES
from springboard.jobs.services import vacancies_import
from springboard.tenancy.models import Agency


class Command(BaseCommand):
    help = (
        "Import vacancy feeds (schema.org JobPosting JSON-LD: .json/.jsonld files or saved HTML "
        "pages; CSV feeds) into an agency's shared vacancies. A re-run creates and updates "
        "nothing; the exit status is non-zero only when a file cannot be read at all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="the agency's short name (slug)")
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with the short name {options['agency']!r}.")
        files: list[tuple[str, bytes]] = []
        unreadable: list[dict[str, Any]] = []
        for path in options["paths"]:
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise OSError("The file is larger than 32 MB.")
                files.append((str(path), path.read_bytes()))
            except OSError as error:
                reason = error.strerror or str(error)
                unreadable.append({"file": str(path), "item": 0, "reason": reason})
        summary = vacancies_import(agency=agency, files=files)
        result = summary.as_json()
        result["rejected"] = unreadable + result["rejected"]
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Created {result['created']}, updated {result['updated']}, "
                f"unchanged {result['unchanged']}, duplicates {result['duplicates']}, "
                f"rejected {len(result['rejected'])}."
            )
            for rejection in result["rejected"]:
                self.stdout.write(
                    f"  {rejection['file']} #{rejection['item']}: {rejection['reason']}"
                )
        if unreadable or summary.unreadable:
            raise SystemExit(1)
