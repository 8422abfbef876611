from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "springboard.opportunities"
    label = "opportunities"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from springboard.opportunities.services import import_interest_reference_data
        from springboard.taxonomy.reference_data_importers import register_reference_importer

        register_reference_importer("opportunities", import_interest_reference_data)
