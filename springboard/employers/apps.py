from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "springboard.employers"
    label = "employers"
