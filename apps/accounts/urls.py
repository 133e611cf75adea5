from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("tvafaktor/", views.otp_verify, name="otp"),
    path("tvafaktor/registrera/", views.otp_enrol, name="otp_enrol"),
    path("logga-ut/", views.logout_view, name="logout"),
]
