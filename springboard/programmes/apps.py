from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "springboard.programmes"
    label = "programmes"
