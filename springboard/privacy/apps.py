from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "springboard.privacy"
    label = "privacy"
