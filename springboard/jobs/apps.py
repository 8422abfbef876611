from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "springboard.jobs"
    label = "jobs"
