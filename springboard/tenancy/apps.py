from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "springboard.tenancy"
    label = "tenancy"
