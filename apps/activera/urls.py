from django.urls import path

from . import delivery_views, views, violence_views

app_name = "activera"
urlpatterns = [
    path("", views.participant_home, name="home"),
    path("anmalningar/", views.referral_list, name="referrals"),
    path("anmalningar/ny/", views.referral_create, name="referral_create"),
    path("anmalningar/<int:referral_id>/", views.referral_detail, name="referral"),
    path("vald/", violence_views.violence_batches, name="violence"),
    path("vald/mall.xlsx", violence_views.violence_template_xlsx_view, name="violence_template_xlsx"),
    path("vald/mall.csv", violence_views.violence_template_csv_view, name="violence_template_csv"),
    path("<str:participant_code>/", views.participant_detail, name="participant"),
    path("<str:participant_code>/aktivitet/", views.participant_activity, name="activity"),
    path("<str:participant_code>/matning/", views.participant_measurement, name="measurement"),
    path("<str:participant_code>/mal/", views.participant_goal, name="goal"),
    path("<str:participant_code>/mote/", views.participant_meeting, name="meeting"),
    path("<str:participant_code>/ledare/", views.participant_leader, name="leader"),
    path("<str:participant_code>/start/", views.participant_start_variables, name="start_variables"),
    path("<str:participant_code>/avslut/", views.participant_exit, name="exit"),
    path("<str:participant_code>/avslutsdokument/", views.participant_exit_document, name="exit_document"),
    path("<str:participant_code>/avslut.pdf", views.participant_exit_pdf, name="exit_pdf"),
]

urlpatterns = [
    path("leveranser/", delivery_views.deliveries, name="deliveries"),
    path("leveranser/forhandsvisning/", delivery_views.delivery_preview, name="delivery_preview"),
    path("leveranser/<int:delivery_id>/", delivery_views.delivery_detail, name="delivery"),
    *urlpatterns,
]
