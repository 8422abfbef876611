from django.db import migrations


def load(apps, schema_editor):
    from springboard.programmes.content import load_shipped_templates

    load_shipped_templates(
        apps.get_model("programmes", "ProgrammeTemplate"),
        apps.get_model("programmes", "ProgrammeTemplateVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
