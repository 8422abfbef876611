from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "springboard.assessments"
    label = "assessments"
