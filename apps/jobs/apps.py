from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "apps.jobs"
    label = "jobs"
    verbose_name = "Bakgrundsjobb"

    def ready(self) -> None:
        from .mail import register

        register()
