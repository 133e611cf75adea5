from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("tvafaktor/", views.otp_verify, name="otp"),
    path("tvafaktor/registrera/", views.otp_enrol, name="otp_enrol"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("api-nycklar/", views.api_token_list, name="api_tokens"),
    path("api-nycklar/alla/", views.api_token_list_all, name="api_tokens_all"),
    path("api-nycklar/<str:token_key>/aterkalla/", views.api_token_revoke_view, name="api_token_revoke"),
]
