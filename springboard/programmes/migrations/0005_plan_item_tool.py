"""Plan tasks name the tool that does their work; the shipped templates say which.

The shipped templates get a new version carrying the tool keys, and tasks already in plans made
from a shipped template get the tool their template task names (matched by the task's key).
"""

from django.db import migrations, models


def tools_for_shipped_tasks(apps, schema_editor):
    from springboard.programmes.content import SHIPPED_KEYS, load_shipped_templates, shipped_content

    template_model = apps.get_model("programmes", "ProgrammeTemplate")
    load_shipped_templates(template_model, apps.get_model("programmes", "ProgrammeTemplateVersion"))
    plan_item = apps.get_model("programmes", "PlanItem")
    for key in SHIPPED_KEYS:
        for phase in shipped_content(key)["phases"]:
            for step in phase["steps"]:
                for task in step["tasks"]:
                    if "tool" not in task:
                        continue
                    plan_item.objects.filter(
                        kind="task",
                        source_key=task["key"],
                        tool="",
                        programme__template_version__template__agency=None,
                        programme__template_version__template__key=key,
                    ).update(tool=task["tool"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0004_bulk_start")]

    operations = [
        migrations.AddField(
            model_name="planitem",
            name="tool",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.RunPython(tools_for_shipped_tasks, migrations.RunPython.noop),
    ]
