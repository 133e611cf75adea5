"""The anonymous violence questionnaire: counts only, per programme unit, tertial, question and answer."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .programme import ProgrammeUnit


class ViolenceAnswer(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nej", _("Nej")
    NO_ANSWER = "vill_inte_svara", _("Vill inte svara")
    NOT_ANSWERED = "ej_besvarad", _("Ej besvarad")


class ViolenceTally(models.Model):
    """Counts only: one row per programme unit, tertial, question and answer. All rows of a tertial
    are created together, with zero counts, when its first batch of paper forms is imported; a batch
    then adds to the counts. Nothing records which participant, which day, which batch, or in what
    order forms came in, and every question's counts add up to the number of forms of the tertial
    (an unanswered question counts as "ej_besvarad")."""

    programme_unit = models.ForeignKey(ProgrammeUnit, on_delete=models.PROTECT, related_name="violence_tallies")
    year = models.PositiveSmallIntegerField()
    tertial = models.PositiveSmallIntegerField()
    question = models.SlugField()
    answer = models.CharField(max_length=20, choices=ViolenceAnswer.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_unit", "year", "tertial", "question", "answer"], name="violence_tally_unique"
            ),
            models.CheckConstraint(name="violence_tally_tertial", condition=Q(tertial__gte=1, tertial__lte=3)),
        ]

    def __str__(self) -> str:
        return f"{self.programme_unit} {self.year}T{self.tertial} {self.question} {self.answer}"
