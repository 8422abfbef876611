"""`springboard rank-occupations`: job titles (TSV) → ESCO occupations as a TREC run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.matching.cli import rank_titles_to_trec
from springboard.matching.ranker import DEFAULT_TOP
from springboard.matching.textnorm import normalise_lang
from springboard.taxonomy.engine_cache import get_ranker

LANGS = ("en", "nl", "da", "nb")  # the UI languages


def language(value: str, label_langs: tuple[str, ...] = ()) -> str:
    """``en``, ``nl``, ``da``, ``nb`` (``no`` is accepted as ``nb``), or any language of the
    imported occupation labels (``de``, ``sv``, ``fr`` … when their labels were imported)."""
    code = normalise_lang(value)
    if code not in LANGS and code not in label_langs:
        allowed = ", ".join(dict.fromkeys((*LANGS, *label_langs)))
        raise CommandError(
            f"--lang must be one of {allowed} (or no; any language of the imported labels), "
            f"not {value!r}."
        )
    return code


class Command(BaseCommand):
    help = (
        "Rank the imported ESCO occupations for every job title of an input file "
        "(id<TAB>title per line) and write a TREC run (qid Q0 uri rank score run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--lang",
            required=True,
            help="language of the titles: en, nl, da, nb or a language of the imported labels",
        )
        parser.add_argument("--input", required=True, type=Path, help="id<TAB>title per line")
        parser.add_argument("--output", required=True, type=Path, help="TREC run file to write")
        parser.add_argument("--top", type=int, default=DEFAULT_TOP, help="results per title")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        if options["top"] < 1:
            raise CommandError("--top must be at least 1.")
        ranker = get_ranker()
        lang = language(options["lang"], ranker.langs)
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        if not ranker.uris:
            raise CommandError("No occupations imported: run import-reference-data first.")
        count = rank_titles_to_trec(ranker, lang, source, options["output"], top=options["top"])
        self.stdout.write(self.style.SUCCESS(f"Ranked {count} titles into {options['output']}."))
