from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LexHellerConfig(AppConfig):
    name = "apps.lexheller"
    label = "lexheller"
    verbose_name = _("Lex Heller – brister i samverkan")

    def ready(self) -> None:
        from .audit_names import register

        register()
