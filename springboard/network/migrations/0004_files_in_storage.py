"""ContactImport's bytes move from the database to the file storage (lib/stored_files); the
reverse puts them back and removes the stored files."""

from django.db import migrations, models

from springboard.lib.stored_files import BytesToStorage

MOVE = BytesToStorage(
    "network.ContactImport",
    {"content": "content_file"},
    folder="contacts",
    extension=lambda row, field: (
        row.file_name.rsplit(".", 1)[-1].lower() if "." in row.file_name else ""
    ),
)


class Migration(migrations.Migration):
    dependencies = [("network", "0003_delete_networkshare")]

    operations = [
        migrations.AddField(
            model_name="contactimport",
            name="content_file",
            field=models.FileField(
                default="", blank=True, max_length=200, upload_to="private/contacts/"
            ),
        ),
        migrations.RunPython(MOVE.forward, MOVE.backward, elidable=False),
        migrations.RemoveField(model_name="contactimport", name="content"),
        migrations.RenameField(
            model_name="contactimport", old_name="content_file", new_name="content"
        ),
        migrations.AlterField(
            model_name="contactimport",
            name="content",
            field=models.FileField(blank=True, max_length=200, upload_to="private/contacts/"),
        ),
    ]
