from django.apps import AppConfig


class CvsConfig(AppConfig):
    name = "springboard.cvs"
    label = "cvs"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from springboard.cvs.models import Rendering
        from springboard.lib.stored_files import delete_files_with_rows

        delete_files_with_rows(Rendering, "pdf", "docx")
