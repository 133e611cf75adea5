from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("ny/", views.person_create_view, name="create"),
    path("export/", views.person_export, name="export"),
    path("<str:code>/", views.person_detail, name="detail"),
]
