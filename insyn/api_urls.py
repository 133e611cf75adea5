from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from apps.accounts.admin_api import GrantDetailApi, UserDetailApi, UserGrantListApi, UserListApi
from apps.accounts.api import ApiTokenDetailApi, ApiTokenListApi, MeApi
from apps.activera import api as activera_api
from apps.decisions import api as decisions_api
from apps.jobs.api import JobDetailApi
from apps.people.api import PersonDetailApi, PersonListApi

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("me/", MeApi.as_view(), name="me"),
    path("tokens/", ApiTokenListApi.as_view(), name="tokens"),
    path("tokens/<str:token_key>/", ApiTokenDetailApi.as_view(), name="token"),
    path("users/", UserListApi.as_view(), name="users"),
    path("users/<str:username>/", UserDetailApi.as_view(), name="user"),
    path("users/<str:username>/grants/", UserGrantListApi.as_view(), name="user_grants"),
    path("grants/<int:grant_id>/", GrantDetailApi.as_view(), name="grant"),
    path("people/", PersonListApi.as_view(), name="people"),
    path("people/<str:code>/", PersonDetailApi.as_view(), name="person"),
    path("decisions/", decisions_api.DecisionListApi.as_view(), name="decisions"),
    path("decisions/import/", decisions_api.DecisionImportApi.as_view(), name="decisions_import"),
    path("decisions/<int:decision_id>/", decisions_api.DecisionDetailApi.as_view(), name="decision"),
    path("decisions/<int:decision_id>/events/", decisions_api.DecisionEventApi.as_view(), name="decision_events"),
    path("reports/", decisions_api.ReportListApi.as_view(), name="reports"),
    path("reports/<int:report_id>/", decisions_api.ReportDetailApi.as_view(), name="report"),
    path("reports/<int:report_id>/submit/", decisions_api.ReportSubmitApi.as_view(), name="report_submit"),
    path("summaries/<slug:municipality>/<int:year>/", decisions_api.SummaryApi.as_view(), name="summary"),
    path("deliveries/", activera_api.DeliveryCreateApi.as_view(), name="deliveries"),
    path("forbund/statistics/", activera_api.ForbundStatisticsApi.as_view(), name="forbund_statistics"),
    path("jobs/<int:job_id>/", JobDetailApi.as_view(), name="job"),
    path("participants/", activera_api.ParticipantListApi.as_view(), name="participants"),
    path("participants/import/", activera_api.ParticipantImportApi.as_view(), name="participants_import"),
    path("participants/<str:participant_code>/", activera_api.ParticipantDetailApi.as_view(), name="participant"),
]
