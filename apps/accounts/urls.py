from django.urls import path

from . import access_review, admin_views, views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("tvafaktor/", views.otp_verify, name="otp"),
    path("tvafaktor/registrera/", views.otp_enrol, name="otp_enrol"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("sprak/", views.language_choose, name="language"),
    path("api-nycklar/", views.api_token_list, name="api_tokens"),
    path("api-nycklar/alla/", views.api_token_list_all, name="api_tokens_all"),  # i18n: data
    path("api-nycklar/<str:token_key>/aterkalla/", views.api_token_revoke_view, name="api_token_revoke"),
    path("inbjudan/<str:token>/", admin_views.invitation_accept_view, name="invitation_accept"),
    path("anvandare/", admin_views.user_list, name="user_list"),
    path("anvandare/bjud-in/", admin_views.user_invite_view, name="user_invite"),
    path("anvandare/<str:username>/", admin_views.user_detail, name="user_detail"),
    path("anvandare/<str:username>/andra/", admin_views.user_edit, name="user_edit"),
    path("anvandare/<str:username>/historik/", admin_views.user_history, name="user_history"),
    path("anvandare/<str:username>/roller/ny/", admin_views.user_grant_add, name="user_grant_add"),
    path(
        "anvandare/<str:username>/roller/<int:grant_id>/ta-bort/",
        admin_views.user_grant_revoke,
        name="user_grant_revoke",
    ),
    path("anvandare/<str:username>/inaktivera/", admin_views.user_deactivate_view, name="user_deactivate"),
    path("anvandare/<str:username>/aktivera/", admin_views.user_reactivate_view, name="user_reactivate"),
    path("anvandare/<str:username>/aterstall-tvafaktor/", admin_views.user_otp_reset_view, name="user_otp_reset"),
    path("anvandare/<str:username>/hav-sparr/", admin_views.user_lockout_release_view, name="user_lockout_release"),
    path(
        "anvandare/<str:username>/ny-inbjudan/", admin_views.user_invitation_resend_view, name="user_invitation_resend"
    ),
    path("anvandare/<str:username>/avsluta-session/", admin_views.user_session_revoke_view, name="user_session_revoke"),
    path("anvandare/<str:username>/aterkalla-nyckel/", admin_views.user_token_revoke_view, name="user_token_revoke"),
    path("behorighetsgranskning/", access_review.access_review_page, name="access_review"),
    path("behorighetsgranskning/export.xlsx", access_review.access_review_export, name="access_review_export"),
]
