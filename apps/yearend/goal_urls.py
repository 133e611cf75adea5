"""URLs of the year-end goal pages (included in urls.py, namespace yearend)."""

from django.urls import path

from . import goal_views as views

urlpatterns: list = [
    path("", views.goals_page, name="goals"),
    path("kopiera/", views.goals_copy, name="goals_copy"),
    path("fullmaktige/", views.council_goal_save, name="council_goal_create"),
    path("fullmaktige/<int:council_goal_id>/", views.council_goal_save, name="council_goal_update"),
    path("fullmaktige/<int:council_goal_id>/ta-bort/", views.council_goal_delete, name="council_goal_delete"),
    path("fullmaktige/<int:council_goal_id>/mal/", views.namnd_goal_create, name="namnd_goal_create"),
    path("fullmaktige/<int:council_goal_id>/tabeller/", views.table_create, name="key_figure_table_create"),
    path("mal/<int:goal_id>/", views.namnd_goal_update, name="namnd_goal_update"),
    path("mal/<int:goal_id>/ta-bort/", views.namnd_goal_delete, name="namnd_goal_delete"),
    path("tabeller/<int:key_figure_table_id>/", views.table_update, name="key_figure_table_update"),
    path("tabeller/<int:key_figure_table_id>/ta-bort/", views.table_delete, name="key_figure_table_delete"),
    path("tabeller/<int:key_figure_table_id>/nyckeltal/", views.key_figure_create, name="key_figure_create"),
    path("nyckeltal/<int:key_figure_id>/", views.key_figure_update, name="key_figure_update"),
    path("nyckeltal/<int:key_figure_id>/ta-bort/", views.key_figure_delete, name="key_figure_delete"),
    path("nyckeltal/<int:key_figure_id>/utfall/", views.key_figure_outcomes, name="key_figure_outcomes"),
]
