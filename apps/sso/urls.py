from django.urls import path

from . import admin_views, saml, views

app_name = "sso"

urlpatterns = [
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    # Two segments, so no provider's slug can shadow the administrator's pages.
    path("installningar/leverantorer/", admin_views.provider_list, name="provider_list"),
    path("installningar/leverantorer/<slug:provider_slug>/", admin_views.provider_detail, name="provider_detail"),
    path(
        "installningar/leverantorer/<slug:provider_slug>/losenord/",
        admin_views.provider_passwords,
        name="provider_passwords",
    ),
    path("<slug:slug>/", views.sign_on_start, name="start"),
    path("<slug:slug>/saml/acs/", saml.saml_acs, name="saml_acs"),
    path("<slug:slug>/saml/metadata/", saml.saml_metadata, name="saml_metadata"),
]
