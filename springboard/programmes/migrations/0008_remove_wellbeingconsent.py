"""The check-ins' consent is now `privacy.Consent`; the programme's own consent model goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0007_wellbeing_consents_to_privacy"),
    ]

    operations = [
        migrations.RemoveField(model_name="wellbeingcheckin", name="consent"),
        migrations.RenameField(
            model_name="wellbeingcheckin", old_name="held_under", new_name="consent"
        ),
        migrations.AlterField(
            model_name="wellbeingcheckin",
            name="consent",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="wellbeing_checkins",
                to="privacy.consent",
            ),
        ),
        migrations.DeleteModel(name="WellbeingConsent"),
    ]
