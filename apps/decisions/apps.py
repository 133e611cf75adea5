from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "apps.decisions"
    label = "decisions"

    def ready(self) -> None:
        from .audit_names import register
        from .jobs import register as register_jobs

        register()
        register_jobs()
