from django.apps import AppConfig


class YearendConfig(AppConfig):
    name = "apps.yearend"
    label = "yearend"
    verbose_name = "Nämndens årsbokslut och delårsbokslut"

    def ready(self) -> None:
        from .audit_names import register

        register()
