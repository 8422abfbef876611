from django.db import migrations, models

import springboard.accounts.tokens


def fill_keys(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    for invitation in Invitation.objects.filter(key__isnull=True):
        invitation.key = springboard.accounts.tokens.new_invitation_key()
        invitation.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="key",
            field=models.CharField(editable=False, max_length=12, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="key",
            field=models.CharField(
                default=springboard.accounts.tokens.new_invitation_key,
                editable=False,
                max_length=12,
                unique=True,
            ),
        ),
    ]
