from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        # Django's own signal, sent for every failed authenticate() (axes' lockout included), so
        # the count holds whichever login form or API asked.
        from django.contrib.auth.signals import user_login_failed

        from apps.core.metrics import count_login_failure

        user_login_failed.connect(count_login_failure, dispatch_uid="insyn_metrics_login_failure")

        # lib's user-visible text follows the active language (lib itself may not import Django).
        from django.utils import translation

        from lib.translation import install

        install(gettext_function=translation.gettext, ngettext_function=translation.ngettext)

        # Importing it registers the `one_of` lookup on every field.
        from apps.core import lookups  # noqa: F401
