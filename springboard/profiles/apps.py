from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "springboard.profiles"
    label = "profiles"
