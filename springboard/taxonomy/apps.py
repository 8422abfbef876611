from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "springboard.taxonomy"
    label = "taxonomy"
