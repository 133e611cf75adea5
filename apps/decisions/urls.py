from django.urls import path

from . import report_views, views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("ny/", views.decision_create_view, name="create"),
    path("import/", views.decision_import_view, name="import"),
    path("export/", views.decision_export_view, name="export"),
    path("<int:decision_id>/", views.decision_detail, name="detail"),
    path("<int:decision_id>/handelse/", views.decision_form_post, {"action": "event"}, name="event"),
    path("<int:decision_id>/erbjudande/", views.decision_form_post, {"action": "offer"}, name="offer"),
    path("<int:decision_id>/vantetid/", views.decision_form_post, {"action": "waiting"}, name="waiting"),
    path("<int:decision_id>/ivo-verkstallt/", views.decision_form_post, {"action": "ivo_closure"}, name="ivo_closure"),
    path("rapporter/", views.report_list, name="reports"),
    path("rapporter/pagaende/", report_views.report_preview, name="report_preview"),
    path("rapporter/<int:report_id>/", views.report_detail, name="report"),
    path("rapporter/<int:report_id>/rakna-om/", views.report_recompute, name="report_recompute"),
    path("rapporter/<int:report_id>/lamna-in/", views.report_submit_view, name="report_submit"),
    path("rapporter/<int:report_id>/rapport.<str:fmt>", views.report_download, name="report_download"),  # i18n: data
    path("rapporter/<int:report_id>/tjansteskrivelse/", report_views.report_memo, name="report_memo"),
    path("rapporter/<int:report_id>/ivo/", report_views.report_individuals, name="report_ivo"),
    path("rapporter/<int:report_id>/ivo/inrapporterad/", report_views.ivo_entry_view, name="report_ivo_entry"),
    path("rapporter/<int:report_id>/namndbeslut/", report_views.committee_decision_view, name="committee_decision"),
    path("rapporter/<int:report_id>/protokollsutdrag/", report_views.committee_minutes, name="committee_minutes"),
    path("rapporter/<int:report_id>/expediera/", report_views.committee_dispatch, name="committee_dispatch"),
    path("namnd/", report_views.committee_settings_list, name="committee_settings_list"),
    path("namnd/<slug:municipality>/", report_views.committee_settings_edit, name="committee_settings"),
    path("koder/", views.reference_data, name="reference_data"),
    path("koder/lagrum/ny/", views.legal_basis_edit, name="legal_basis_create"),
    path("koder/lagrum/<int:basis_id>/", views.legal_basis_edit, name="legal_basis_edit"),
    path("koder/typer/ny/", views.decision_type_edit, name="decision_type_create"),
    path("koder/typer/<int:type_id>/", views.decision_type_edit, name="decision_type_edit"),
]
