from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
]
