from django.urls import path

from . import delivery_views, executor_views, views

app_name = "forbund"
urlpatterns = [
    path("budget/", views.budget_list, name="budgets"),
    path("budget/<int:budget_id>/", views.budget_detail, name="budget"),
    path("budget/<int:budget_id>/poster/", views.budget_line_add, name="budget_line_add"),
    path("budget/<int:budget_id>/poster/<int:line_id>/ta-bort/", views.budget_line_delete, name="budget_line_delete"),
    path("budget/<int:budget_id>/folkmangd/", views.budget_populations, name="budget_populations"),
    path("budget/<int:budget_id>/nasta-ar/", views.budget_copy, name="budget_copy"),
    path("overenskommelser/", views.agreement_list, name="agreements"),
    path("overenskommelser/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("var-overenskommelse/", executor_views.own_agreements, name="own_agreements"),
    path("var-overenskommelse/<int:agreement_id>/", executor_views.own_agreement, name="own_agreement"),
    path("fakturor/<int:invoice_id>/status/", views.invoice_mark, name="invoice_mark"),
    path("fakturor/<int:invoice_id>/pdf/", views.invoice_document, name="invoice_pdf"),
    path("leveranser/", views.delivery_tracking, name="tracking"),
    path("leveranser/inkomna/", delivery_views.forbund_deliveries, name="deliveries"),
    path("leveranser/sammanstall/", delivery_views.forbund_period_close, name="period_close"),
    path("leveranser/nns/", delivery_views.forbund_nns_export, name="nns_export"),
    path("leveranser/<int:delivery_id>/", delivery_views.forbund_delivery, name="delivery"),
    path("leveranser/sammanstallning/", views.consolidated, name="consolidated"),
    path("statistik/", delivery_views.forbund_statistics, name="statistics"),
    path("statistik/platser-och-anmalningar/", views.places_and_referrals, name="places"),
]
