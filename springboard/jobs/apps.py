from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "springboard.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are loaded.
        from springboard.jobs.activity import job_search_rows
        from springboard.network.activity_log import register_activity_source

        register_activity_source(job_search_rows)
