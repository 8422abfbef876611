"""Room for the move of wellbeing consents to `privacy.Consent` (data in 0007): each check-in
gets a key to its new consent, and its old key may be empty while the rows move (either way)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_plan_item_tool"),
        ("privacy", "0005_consents"),
    ]

    operations = [
        migrations.AddField(
            model_name="wellbeingcheckin",
            name="held_under",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="privacy.consent",
            ),
        ),
        migrations.AlterField(
            model_name="wellbeingcheckin",
            name="consent",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="programmes.wellbeingconsent",
            ),
        ),
    ]
