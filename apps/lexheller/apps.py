from django.apps import AppConfig


class LexHellerConfig(AppConfig):
    name = "apps.lexheller"
    label = "lexheller"
    verbose_name = "Lex Heller – brister i samverkan"

    def ready(self) -> None:
        from .audit_names import register

        register()
