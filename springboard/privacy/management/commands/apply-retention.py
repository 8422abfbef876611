import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from springboard.privacy.erasure.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Daily retention run for cron: for each agency, erase the kinds of record whose "
        "retention period after a person's last programme has passed, and delete audit events "
        "older than the audit retention. Idempotent; --dry-run reports exactly what the real "
        "run would do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        summaries = apply_retention(today=timezone.localdate(), dry_run=options["dry_run"])
        if options["json"]:
            payload = {"dry_run": options["dry_run"], "agencies": [s.as_dict() for s in summaries]}
            self.stdout.write(json.dumps(payload, indent=2, sort_keys=True))
            return
        prefix = "Would erase" if options["dry_run"] else "Erased"
        for summary in summaries:
            self.stdout.write(f"{summary.agency}:")
            for kind, counts in sorted(summary.kinds.items()):
                self.stdout.write(
                    f"  {prefix} {kind}: {counts.people} people, {counts.rows} records, "
                    f"{counts.files} files"
                )
            self.stdout.write(f"  Audit events past retention: {summary.audit_events}")
