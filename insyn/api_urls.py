from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from apps.accounts.api import MeApi
from apps.people.api import PersonDetailApi, PersonListApi

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("me/", MeApi.as_view(), name="me"),
    path("people/", PersonListApi.as_view(), name="people"),
    path("people/<str:code>/", PersonDetailApi.as_view(), name="person"),
]
