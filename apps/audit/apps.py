from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"

    def ready(self) -> None:
        from apps.core.concurrency import set_last_change_lookup

        from .selectors import last_change_words

        set_last_change_lookup(last_change_words)
