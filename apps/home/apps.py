from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top of the house: what spans every domain app (the role start pages, the navigation,
    the demo data, backup and restore). Nothing imports it."""

    name = "apps.home"
    label = "home"
