from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "springboard.accounts"
    label = "accounts"
