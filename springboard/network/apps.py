from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "springboard.network"
    label = "network"
