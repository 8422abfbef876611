from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0011_named_reporting_consents_to_privacy"),
    ]

    operations = [
        migrations.RemoveField(model_name="enrolment", name="employer_may_see_status"),
    ]
