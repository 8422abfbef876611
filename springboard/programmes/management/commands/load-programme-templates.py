from typing import Any

from django.core.management.base import BaseCommand

from springboard.programmes.content import load_shipped_templates
from springboard.programmes.models import ProgrammeTemplate, ProgrammeTemplateVersion


class Command(BaseCommand):
    help = "Load the programme templates Springboard ships; a changed one becomes a new version."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
        self.stdout.write(
            f"New template versions: {', '.join(changed)}" if changed else "Templates up to date."
        )
