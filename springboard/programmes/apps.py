from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "springboard.programmes"
    label = "programmes"

    def ready(self) -> None:
        # The privacy app (below this one) asks here when a candidate's programmes ended.
        from springboard.privacy.alumni import register_programme_end_source
        from springboard.programmes.access import closed_programme_ends

        register_programme_end_source(closed_programme_ends)
