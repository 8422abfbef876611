from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "springboard.assessments"
    label = "assessments"

    def ready(self) -> None:
        from springboard.assessments.importer import import_instruments
        from springboard.taxonomy.reference_data_importers import (
            register_reference_importer,
        )

        register_reference_importer("assessments", import_instruments)
