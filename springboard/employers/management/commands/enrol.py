"""`springboard enrol --engagement ID FILE`: the browser's bulk enrolment, from a terminal."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.employers import services
from springboard.employers.importing.fields import (
    FIELDS,
    FIELDS_BY_KEY,
    LAST_FIRST,
    NAME_ORDER_KEY,
    ImportField,
    header_hints,
    missing_fields,
)
from springboard.employers.importing.reading import MAX_UPLOAD_BYTES
from springboard.employers.models import Cohort, Engagement, EnrolmentImport, ImportStatus
from springboard.lib.errors import DomainError
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap


class Command(BaseCommand):
    help = "Enrol the people in a CSV or XLSX HR export into an engagement (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--engagement", required=True, help="public id of the engagement")
        parser.add_argument("--cohort", help="public id of the cohort")
        parser.add_argument("--actor", required=True, help="e-mail of the agency admin doing this")
        parser.add_argument("--language", default="en", help="language for rows without one")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="column for a field, e.g. --map email='Work e-mail' (otherwise guessed)",
        )
        parser.add_argument(
            "--name-order",
            choices=["first-last", "last-first"],
            help="how the Name column is written: 'Anna Berg' (first-last) or 'Berg, Anna' "
            "(last-first); otherwise as remembered for the employer, else first-last",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        engagement = (
            Engagement.objects.select_related("employer__agency")
            .filter(public_id=options["engagement"])
            .first()
        )
        if engagement is None:
            raise CommandError("No engagement with this id.")
        actor = (
            Membership.objects.select_related("user", "agency")
            .filter(
                agency=engagement.employer.agency,
                user__email__iexact=options["actor"],
                is_active=True,
            )
            .first()
        )
        if actor is None or not actor.has(Cap.ENROL_CANDIDATES):
            raise CommandError("The actor must be an active admin of the engagement's agency.")
        cohort = None
        if options["cohort"]:
            cohort = Cohort.objects.filter(
                engagement=engagement, public_id=options["cohort"]
            ).first()
            if cohort is None:
                raise CommandError("No cohort with this id in the engagement.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        try:
            upload = services.enrolment_import_upload(
                engagement=engagement,
                cohort=cohort,
                actor=actor,
                file_name=path.name,
                content=path.read_bytes(),
                default_language=options["language"],
            )
            mapping = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
            mapping.update(self._explicit_mapping(options["map"]))
            if options["name_order"] == "last-first":
                mapping[NAME_ORDER_KEY] = LAST_FIRST
            elif options["name_order"] == "first-last":
                mapping.pop(NAME_ORDER_KEY, None)
            # The command runs the task bodies itself; a worker that also picks up the queued
            # tasks finds the import already handled (services claim it before working).
            upload = services.enrolment_import_check(upload=upload, actor=actor, mapping=mapping)
            self.stdout.write(f"Checking {upload.total_rows} rows of {path.name}")
            checked = self._with_progress(upload)
        except DomainError as error:
            raise CommandError(error.message) from error
        if checked.errors:
            for problem in checked.errors:
                sys.stderr.write(
                    f"row {problem['row']}: {problem['column']}: {problem['message']}\n"
                )
            self._explain_missing_columns(checked)
            self.stderr.write(f"{len(checked.errors)} problems; nothing was imported.")
            sys.exit(1)
        services.enrolment_import_start(upload=checked, actor=actor)
        done = services.enrolment_import_run(import_id=str(checked.public_id))
        if done is None or done.status != ImportStatus.DONE:
            raise CommandError(
                f"The import failed; nothing was saved. {done.failure if done else ''}"
            )
        summary = done.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {summary['created']} new, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged; {summary['invitations']} invitations queued."
            )
        )

    def _explicit_mapping(self, pairs: list[str]) -> dict[str, str]:
        known = {f.key for f in FIELDS}
        mapping: dict[str, str] = {}
        for pair in pairs:
            field, _, header = pair.partition("=")
            if field not in known or not header:
                raise CommandError(f"--map takes FIELD=HEADER with FIELD one of {sorted(known)}.")
            mapping[field] = header
        return mapping

    def _explain_missing_columns(self, upload: EnrolmentImport) -> None:
        """When a required field has no column: the file's headers, what each could be, and
        the --map options to give."""
        mapping = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
        missing = missing_fields(
            {k: v for k, v in mapping.items() if k in FIELDS_BY_KEY and v in upload.headers}
        )
        if not missing:
            return
        lines = ["", "The columns of the file:"]
        for hint in header_hints(upload.headers, mapping):
            if hint.used_for is not None:
                note = f"used for {hint.used_for.key}"
            elif hint.could_be:
                note = "could be " + " or ".join(field.key for field in hint.could_be)
            else:
                note = "not used"
            lines.append(f"  {shlex.quote(hint.header)}: {note}")
        lines.append("Give the missing columns with --map FIELD=HEADER:")
        for field in missing:
            lines.append(f"  --map {field.key}={shlex.quote(self._likely_header(upload, field))}")
            if field.key == "full_name":
                lines.append(
                    "  (or, for a name in two columns: "
                    "--map first_name=HEADER --map last_name=HEADER)"
                )
        sys.stderr.write("\n".join(lines) + "\n")

    @staticmethod
    def _likely_header(upload: EnrolmentImport, field: ImportField) -> str:
        used = {v for k, v in upload.mapping.items() if not k.startswith("_")}
        for hint in header_hints(upload.headers, {}):
            if field in hint.could_be and hint.header not in used:
                return hint.header
        return "HEADER"

    def _with_progress(self, upload: EnrolmentImport) -> EnrolmentImport:
        width = 30

        def show(done: int) -> None:
            filled = width * done // max(upload.total_rows, 1)
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{upload.total_rows}", ending=""
            )
            self.stdout.flush()

        result = services.enrolment_import_validate(
            import_id=str(upload.public_id), on_progress=show
        )
        self.stdout.write("")
        assert result is not None
        return result
