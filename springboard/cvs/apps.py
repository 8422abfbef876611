from django.apps import AppConfig


class CvsConfig(AppConfig):
    name = "springboard.cvs"
    label = "cvs"
