from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "springboard.employers"
    label = "employers"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from springboard.employers.models import EnrolmentImport
        from springboard.lib.stored_files import delete_files_with_rows

        delete_files_with_rows(EnrolmentImport, "content")
