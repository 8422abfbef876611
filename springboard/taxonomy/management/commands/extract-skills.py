"""`springboard extract-skills`: free text (a CV, a vacancy) → ESCO skills as TSV."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.matching.cli import extract_skills_to_tsv
from springboard.taxonomy.engine_cache import get_extractor

# The module name has a hyphen (it is the command's name), so import it by string.
language = importlib.import_module(
    "springboard.taxonomy.management.commands.rank-occupations"
).language


class Command(BaseCommand):
    help = (
        "Find the imported ESCO skills in a text file and write one TSV row per match "
        "(doc_id start end skill_uri score kind label text)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", required=True, help="language of the text: en, nl, da, nb")
        parser.add_argument("--input", required=True, type=Path, help="text file")
        parser.add_argument("--output", required=True, type=Path, help="TSV file to write")
        parser.add_argument(
            "--per-line",
            action="store_true",
            help="every line is a document: id<TAB>text (default: the whole file is one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = language(options["lang"])
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        extractor = get_extractor()
        if not extractor.langs:
            raise CommandError("No skills imported: run import-reference-data first.")
        count = extract_skills_to_tsv(
            extractor,
            source,
            options["output"],
            lang,
            per_line=options["per_line"],
            doc_id=source.stem,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Found {count} skill mentions; wrote {options['output']}.")
        )
