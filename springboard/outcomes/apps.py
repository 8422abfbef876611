from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "springboard.outcomes"
    label = "outcomes"
