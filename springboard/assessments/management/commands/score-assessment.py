"""`springboard score-assessment INSTRUMENT ANSWERS [--lang LANG]`: score an answer string.

The item keys (the area of each Interest Profiler item, the IPIP keys and facets) are not in the
repository: they come from the reference data. So the command scores with the latest *imported*
instrument version in the database, the same version and the same scoring function the pages
use, and says to run `springboard import-reference-data` when there is none. This keeps one
source of the keys and makes the output name the version it was scored on.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from springboard.assessments import content, scoring
from springboard.assessments.models import InstrumentVersion

INSTRUMENTS = ("interest-profiler-60", "ipip-neo-120")


class Command(BaseCommand):
    help = "Score an answer string (digits 1-5 in item order) and print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", choices=INSTRUMENTS)
        parser.add_argument("answers", help="one digit 1-5 per item, in item order")
        parser.add_argument(
            "--lang",
            type=content.normalise_lang,
            choices=content.LANGS,
            help="add the scale names in this language (en, nl, da, nb; no = nb)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key: str = options["instrument"]
        version = (
            InstrumentVersion.objects.filter(instrument__key=key)
            .select_related("instrument")
            .order_by("-number")
            .first()
        )
        if version is None:
            raise CommandError(
                f"{key} is not in the database: run `springboard import-reference-data` first."
            )
        keys = content.item_keys(version.content)
        try:
            answers = scoring.parse_answer_string(options["answers"].strip(), len(keys))
        except scoring.AnswerError as error:
            raise CommandError(str(error)) from error
        result = scoring.score(version.scoring_rule, keys, answers)
        output: dict[str, Any] = {"instrument": key, "version": version.number, **result}
        if options["lang"]:
            output["lang"] = options["lang"]
            output["names"] = content.scale_names(version.content, options["lang"])
        self.stdout.write(json.dumps(output, ensure_ascii=False))
