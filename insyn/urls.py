from django.urls import include, path

from apps.activera import views as activera_views
from apps.core import views as core_views
from apps.home.oversight_urls import audit_patterns, organisation_patterns

# URL names reachable without logging in. The URL-walk test treats every other route as
# private, so a new view is protected (or the test fails) without anyone remembering.
PUBLIC_URL_NAMES = frozenset(
    {
        "core:accessibility",
        "healthz",
        # The public intresseanmälan: anyone may apply, without an account.
        "public_referral",
        "accounts:login",
        # The steps of logging in handle a half-logged-in user themselves.
        "accounts:otp",
        "accounts:otp_enrol",
        "accounts:logout",
    }
)

urlpatterns = [
    path("", include("apps.home.urls")),
    path("", include("apps.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("konto/", include("apps.accounts.urls")),
    path("personer/", include("apps.people.urls")),
    path("organisationer/", include(organisation_patterns)),
    path("logg/", include(audit_patterns)),
    path("beslut/", include("apps.decisions.urls")),
    path("deltagare/", include("apps.activera.urls")),
    path("forbund/", include("apps.forbund.urls")),
    path("lexheller/", include("apps.lexheller.urls")),
    path("arsbokslut/", include("apps.yearend.urls")),
    path("anmalan/", activera_views.public_referral, name="public_referral"),
    path("api/v1/", include("insyn.api_urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
