from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.lib.errors import DomainError
from springboard.privacy.erasure.engine import erase_rows
from springboard.privacy.erasure.services import erase_person
from springboard.tenancy.models import Membership


class Command(BaseCommand):
    help = (
        "Erase what one agency holds about one person (by the address they sign in with): "
        "their own records are deleted, what employer reports count is kept without their "
        "name, their files are removed. Other agencies of the same person are not touched. "
        "Without --yes, shows what would be erased and asks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="the agency's short name (slug)")
        parser.add_argument("--email", required=True, help="the person's sign-in address")
        parser.add_argument("--yes", action="store_true", help="erase without asking")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = (
            Membership.objects.select_related("agency", "user")
            .filter(agency__slug=options["agency"], user__email__iexact=options["email"])
            .first()
        )
        if membership is None:
            raise CommandError("No such person in that agency.")
        preview = erase_rows(membership, dry_run=True)
        for label, count in sorted(preview.rows.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"Files: {len(preview.files)}")
        if not options["yes"]:
            answer = input(f"Erase {preview.total} records of this person? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing erased.")
        try:
            erasure = erase_person(membership, actor=None)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Erased {erasure.total} records and {len(erasure.files)} files.")
