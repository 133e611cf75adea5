"""The goals and key figures of the report's year on one page: the council's goals, the nämnd's
goals under them and the key figure tables with each figure's target and outcomes (with where
each came from), and the forms to change every level, enter outcomes and copy last year's plan.
Each view parses, checks access (404 outside the user's municipalities, 403 for a reader who
tries to write), calls a service and redirects, or shows the page again with the form's errors."""

from .page import goals_page
from .writes import (
    council_goal_delete,
    council_goal_save,
    goals_copy,
    key_figure_create,
    key_figure_delete,
    key_figure_outcomes,
    key_figure_update,
    namnd_goal_create,
    namnd_goal_delete,
    namnd_goal_update,
    table_create,
    table_delete,
    table_update,
)

__all__ = [
    "council_goal_delete",
    "council_goal_save",
    "goals_copy",
    "goals_page",
    "key_figure_create",
    "key_figure_delete",
    "key_figure_outcomes",
    "key_figure_update",
    "namnd_goal_create",
    "namnd_goal_delete",
    "namnd_goal_update",
    "table_create",
    "table_delete",
    "table_update",
]
