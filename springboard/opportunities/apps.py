from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "springboard.opportunities"
    label = "opportunities"
