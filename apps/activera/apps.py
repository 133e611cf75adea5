from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ActiveraConfig(AppConfig):
    name = "apps.activera"
    label = "activera"
    verbose_name = gettext_lazy("Deltagaruppföljning (ACTivera)")

    def ready(self) -> None:
        from .audit_names import register
        from .jobs import register as register_jobs

        register()
        register_jobs()
