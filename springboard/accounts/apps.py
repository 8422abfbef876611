from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "springboard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from springboard.accounts.sso.session import on_user_logged_in

        # Marks (or unmarks) each new session as an SSO session bound to one agency.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="springboard_sso_session")
