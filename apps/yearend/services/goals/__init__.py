"""The plan of the nämnd's year: the council's goals, the nämnd's goals under them, the key figure
tables with their key figures and targets, and outcomes entered by hand.

The plan belongs to the nämnd's year (its delårsbokslut and årsbokslut share it) and is written
through one of the year's reports: an approved report refuses changes. Each write is one
transaction with its audit row on the report, and Insyn's proposals for the goals' assessments
follow the new figures. A delete refuses while something depends on what it would remove."""

from .figures import (
    key_figure_delete,
    key_figure_outcomes_save,
    key_figure_save,
    key_figure_value_save,
    outcome_text,
)
from .plan import (
    council_goal_delete,
    council_goal_save,
    goals_copy_from_year,
    key_figure_table_delete,
    key_figure_table_save,
    namnd_goal_delete,
    namnd_goal_save,
)

__all__ = [
    "council_goal_delete",
    "council_goal_save",
    "goals_copy_from_year",
    "key_figure_delete",
    "key_figure_outcomes_save",
    "key_figure_save",
    "key_figure_table_delete",
    "key_figure_table_save",
    "key_figure_value_save",
    "namnd_goal_delete",
    "namnd_goal_save",
    "outcome_text",
]
