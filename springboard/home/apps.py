from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "springboard.home"
    label = "home"
