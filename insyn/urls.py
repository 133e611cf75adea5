from django.urls import include, path

from apps.activera import views as activera_views
from apps.core import views as core_views
from apps.home import metrics_views
from apps.home.oversight_urls import audit_patterns, organisation_patterns

# URL names reachable without logging in. The URL-walk test treats every other route as
# private, so a new view is protected (or the test fails) without anyone remembering.
PUBLIC_URL_NAMES = frozenset(
    {
        "core:accessibility",
        "healthz",
        # Prometheus' scrape: no login, but a bearer token of its own (apps/home/metrics_views.py).
        "metrics",
        # The public intresseanmälan: anyone may apply, without an account.
        "public_referral",
        "accounts:login",
        # The steps of logging in handle a half-logged-in user themselves.
        "accounts:otp",
        "accounts:otp_enrol",
        "accounts:logout",
        # Choosing the language before logging in: it sets a cookie and reads nothing.
        "accounts:language",
        # An invitation link: the invited person has no password yet (apps.accounts.admin_views).
        "accounts:invitation_accept",
        # Single sign-on: the way to the identity provider and back happens before login.
        "sso:start",
        "sso:oidc_callback",
        "sso:saml_acs",
        "sso:saml_metadata",
    }
)

urlpatterns = [
    path("", include("apps.home.urls")),
    path("", include("apps.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", metrics_views.metrics, name="metrics"),
    path("konto/sso/", include("apps.sso.urls")),
    path("konto/", include("apps.accounts.urls")),
    path("personer/", include("apps.people.urls")),
    path("organisationer/", include(organisation_patterns)),
    path("logg/", include(audit_patterns)),
    path("beslut/", include("apps.decisions.urls")),  # i18n: data
    path("deltagare/", include("apps.activera.urls")),  # i18n: data
    path("forbund/", include("apps.forbund.urls")),
    path("lexheller/", include("apps.lexheller.urls")),
    path("arsbokslut/", include("apps.yearend.urls")),
    path("jobb/", include("apps.jobs.urls")),
    path("anmalan/", activera_views.public_referral, name="public_referral"),
    path("api/v1/", include("insyn.api_urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
