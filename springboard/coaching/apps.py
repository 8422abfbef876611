from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "springboard.coaching"
    label = "coaching"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from springboard.coaching.models import CoachProfile, WorkshopMaterial
        from springboard.lib.stored_files import delete_files_with_rows

        delete_files_with_rows(CoachProfile, "photo")
        delete_files_with_rows(WorkshopMaterial, "file")
