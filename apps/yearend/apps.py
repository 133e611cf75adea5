from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    name = "apps.yearend"
    label = "yearend"
    verbose_name = _("Nämndens årsbokslut och delårsbokslut")

    def ready(self) -> None:
        from .audit_names import register

        register()
