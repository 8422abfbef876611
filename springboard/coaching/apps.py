from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "springboard.coaching"
    label = "coaching"
