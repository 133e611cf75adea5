from django.apps import AppConfig


class ForbundConfig(AppConfig):
    name = "apps.forbund"
    label = "forbund"
    verbose_name = "Samordningsförbundets ekonomi och uppföljning"

    def ready(self) -> None:
        from apps.activera.due import register_due_provider

        from .audit_names import register
        from .executor_selectors import due_items
        from .reminders import register_jobs

        register()
        register_jobs()
        # The executor's delivery page shows what its agreement says is due (apps.activera.due).
        register_due_provider(due_items)
