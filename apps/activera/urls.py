from django.urls import URLPattern, path

from . import delivery_views, views, violence_views

app_name = "activera"


def _participant_form(segment: str, action: str) -> URLPattern:
    """A form of the participant page, posted to its own address, named for its action."""
    return path(f"<str:participant_code>/{segment}/", views.participant_post, {"action": action}, name=action)


urlpatterns = [
    path("", views.participant_home, name="home"),
    path("anmalningar/", views.referral_list, name="referrals"),
    path("anmalningar/ny/", views.referral_create, name="referral_create"),
    path("anmalningar/<int:referral_id>/", views.referral_detail, name="referral"),
    path("vald/", violence_views.violence_batches, name="violence"),
    path("vald/mall.xlsx", violence_views.violence_template_xlsx_view, name="violence_template_xlsx"),
    path("vald/mall.csv", violence_views.violence_template_csv_view, name="violence_template_csv"),
    path("<str:participant_code>/", views.participant_detail, name="participant"),
    _participant_form("aktivitet", "activity"),
    _participant_form("matning", "measurement"),
    _participant_form("mal", "goal"),
    _participant_form("mote", "meeting"),
    _participant_form("ledare", "leader"),
    _participant_form("start", "start_variables"),
    _participant_form("avslut", "exit"),
    _participant_form("avslutsdokument", "exit_document"),
    path("<str:participant_code>/avslut.pdf", views.participant_exit_pdf, name="exit_pdf"),
]

urlpatterns = [
    path("leveranser/", delivery_views.deliveries, name="deliveries"),
    path("leveranser/forhandsvisning/", delivery_views.delivery_preview, name="delivery_preview"),
    path("leveranser/<int:delivery_id>/", delivery_views.delivery_detail, name="delivery"),
    *urlpatterns,
]
