from django.urls import path

from . import views

app_name = "forbund"
urlpatterns = [
    path("leveranser/", views.forbund_deliveries, name="deliveries"),
    path("leveranser/<int:delivery_id>/", views.forbund_delivery, name="delivery"),
    path("statistik/", views.forbund_statistics, name="statistics"),
]
