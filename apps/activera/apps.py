from django.apps import AppConfig


class ActiveraConfig(AppConfig):
    name = "apps.activera"
    label = "activera"
    verbose_name = "Deltagaruppföljning (ACTivera)"
