from django.apps import AppConfig


class ForbundConfig(AppConfig):
    name = "apps.forbund"
    label = "forbund"
    verbose_name = "Samordningsförbundets ekonomi och uppföljning"

    def ready(self) -> None:
        from .audit_names import register

        register()
