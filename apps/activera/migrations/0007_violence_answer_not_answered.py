"""Violence questionnaires become batches of paper forms: the answer "ej_besvarad" (not answered)
joins the others, so every question's counts add up to the number of forms of the tertial.

The tertials already counted one form at a time had their rows created in the order the answers
first came in. They are rewritten here with every (question × answer) row, in the fixed order a
batch uses, so neither ids nor row order say anything about when an answer first appeared."""

from django.db import migrations, models

ANSWERS = ["ja", "nej", "vill_inte_svara", "ej_besvarad"]
NOT_ANSWERED = "ej_besvarad"


def rewrite_tallies_in_fixed_order(apps, schema_editor):
    ViolenceTally = apps.get_model("activera", "ViolenceTally")
    ProgrammeUnit = apps.get_model("activera", "ProgrammeUnit")
    tertials = ViolenceTally.objects.values_list("programme_unit_id", "year", "tertial").distinct()
    for unit_id, year, tertial in sorted(set(tertials)):
        rows = ViolenceTally.objects.filter(programme_unit_id=unit_id, year=year, tertial=tertial)
        counts = {(row.question, row.answer): row.count for row in rows}
        programme = ProgrammeUnit.objects.get(pk=unit_id).programme
        questions = [q["code"] for q in programme.violence_questions]
        questions += sorted({question for question, _ in counts} - set(questions))
        sums = {q: sum(counts.get((q, a), 0) for a in ANSWERS) for q in questions}
        forms = max(sums.values(), default=0)
        rows.delete()
        ViolenceTally.objects.bulk_create(
            [
                ViolenceTally(
                    programme_unit_id=unit_id,
                    year=year,
                    tertial=tertial,
                    question=question,
                    answer=answer,
                    # A question a form did not have was not answered on it.
                    count=counts.get((question, answer), 0) + (forms - sums[question] if answer == NOT_ANSWERED else 0),
                )
                for question in questions
                for answer in ANSWERS
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activera", "0006_referral_index_for_new_referrals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="violencetally",
            name="answer",
            field=models.CharField(
                choices=[
                    ("ja", "Ja"),
                    ("nej", "Nej"),
                    ("vill_inte_svara", "Vill inte svara"),
                    ("ej_besvarad", "Ej besvarad"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(rewrite_tallies_in_fixed_order, migrations.RunPython.noop),
    ]
