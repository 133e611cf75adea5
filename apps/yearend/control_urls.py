"""URLs of the year-end control pages (included in urls.py, namespace yearend)."""

from django.urls import path

from . import control_views as views

urlpatterns = [
    path("", views.control_page, name="control"),
    path("punkter/ny/", views.point_save, name="control_point_add"),
    path("punkter/<int:control_point_id>/", views.point_save, name="control_point"),
    path("punkter/<int:control_point_id>/ta-bort/", views.point_delete, name="control_point_delete"),
    path("punkter/<int:control_point_id>/uppfoljning/", views.follow_up_save, name="control_follow_up"),
    path("punkter/<int:control_point_id>/tabeller/ny/", views.table_save, name="control_table_add"),
    path("punkter/<int:control_point_id>/tabeller/<int:result_table_id>/", views.table_save, name="control_table"),
    path(
        "punkter/<int:control_point_id>/tabeller/<int:result_table_id>/ta-bort/",
        views.table_delete,
        name="control_table_delete",
    ),
    path("for-over/", views.carry_over, name="control_carry_over"),
    path("utforare/ny/", views.provider_save, name="provider_add"),
    path("utforare/<int:provider_id>/", views.provider_save, name="provider"),
    path("utforare/<int:provider_id>/ta-bort/", views.provider_delete, name="provider_delete"),
    path("signalskala/", views.scale_save, name="signal_scale"),
    path("datum/", views.dates_save, name="governance_dates"),  # i18n: data
]
