from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from springboard.home.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Create the demo agency with an admin, coaches, an employer contact and candidates."

    def handle(self, *args: Any, **options: Any) -> None:
        people = load_demo_data()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Log in at {settings.SITE_URL}/accounts/login/")
        )
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        for person in people:
            self.stdout.write(f"  {person.role.label:<18} {person.email}")
