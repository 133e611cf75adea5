from django.urls import path

from . import views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("ny/", views.decision_create_view, name="create"),
    path("import/", views.decision_import_view, name="import"),
    path("<int:decision_id>/", views.decision_detail, name="detail"),
    path("<int:decision_id>/handelse/", views.decision_event_view, name="event"),
    path("<int:decision_id>/erbjudande/", views.decision_offer_view, name="offer"),
    path("<int:decision_id>/vantetid/", views.decision_waiting_view, name="waiting"),
    path("rapporter/", views.report_list, name="reports"),
    path("rapporter/<int:report_id>/", views.report_detail, name="report"),
    path("rapporter/<int:report_id>/rakna-om/", views.report_recompute, name="report_recompute"),
    path("rapporter/<int:report_id>/lamna-in/", views.report_submit_view, name="report_submit"),
    path("rapporter/<int:report_id>/rapport.<str:fmt>", views.report_download, name="report_download"),
    path("rapporter/<int:report_id>/tjansteskrivelse/", views.report_memo, name="report_memo"),
    path("rapporter/<int:report_id>/ivo/", views.report_individuals, name="report_ivo"),
    path("koder/", views.reference_data, name="reference_data"),
    path("koder/lagrum/ny/", views.legal_basis_edit, name="legal_basis_create"),
    path("koder/lagrum/<int:basis_id>/", views.legal_basis_edit, name="legal_basis_edit"),
    path("koder/typer/ny/", views.decision_type_edit, name="decision_type_create"),
    path("koder/typer/<int:type_id>/", views.decision_type_edit, name="decision_type_edit"),
]
