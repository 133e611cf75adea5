from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForbundConfig(AppConfig):
    name = "apps.forbund"
    label = "forbund"
    verbose_name = _("Samordningsförbundets ekonomi och uppföljning")

    def ready(self) -> None:
        from apps.activera.due import register_due_date_provider, register_due_provider

        from .audit_names import register
        from .executor_selectors import agreed_due, due_items
        from .reminders import register_jobs

        register()
        register_jobs()
        # The executor's delivery page shows what its agreement says is due (apps.activera.due).
        register_due_provider(due_items)
        # Each delivery document states the due date the agreement gives (apps.activera.due).
        register_due_date_provider(agreed_due)
