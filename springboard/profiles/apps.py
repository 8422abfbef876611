from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "springboard.profiles"
    label = "profiles"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from django.db.models.signals import post_delete

        from springboard.profiles.models import CvUpload
        from springboard.profiles.services.cv import delete_stored_file

        post_delete.connect(delete_stored_file, sender=CvUpload, dispatch_uid="profiles-cv-file")
