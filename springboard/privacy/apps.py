from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "springboard.privacy"
    label = "privacy"

    def ready(self) -> None:
        # Each app declares its personal data in its own `personal_data.py`.
        autodiscover_modules("personal_data")
