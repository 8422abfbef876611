from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "springboard.core"
    label = "core"
