from django.urls import include, path

from . import views

app_name = "yearend"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:year_report_id>/", views.report_detail, name="report"),
    path("<int:year_report_id>/texter/<str:text_key>/", views.text_save, name="text"),
    path("<int:year_report_id>/mal/<int:goal_id>/", views.assessment_save, name="assessment"),
    path("<int:year_report_id>/uppgifter/", views.head_save, name="head"),
    path("<int:year_report_id>/godkann/", views.approve, name="approve"),
    path("<int:year_report_id>/oppna-igen/", views.reopen, name="reopen"),
    path("<int:year_report_id>/underlag/", include("apps.yearend.import_urls")),
    path("<int:year_report_id>/mal-och-nyckeltal/", include("apps.yearend.goal_urls")),
    path("<int:year_report_id>/internkontroll/", include("apps.yearend.control_urls")),
]
