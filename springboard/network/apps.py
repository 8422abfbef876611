from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "springboard.network"
    label = "network"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from springboard.lib.stored_files import delete_files_with_rows
        from springboard.network.models import ContactImport

        delete_files_with_rows(ContactImport, "content")
