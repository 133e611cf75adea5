from django.urls import path

from . import views

app_name = "lexheller"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("ny/", views.report_file, name="file"),
    path("<int:lexheller_id>/", views.report_detail, name="detail"),
    path("<int:lexheller_id>/<slug:action>/", views.report_action, name="action"),
    path("bug/", views.meeting_list, name="meetings"),
    path("bug/<int:meeting_id>/", views.meeting_agenda, name="agenda"),
    path("sammanstallning/", views.compilation, name="compilation"),
]
