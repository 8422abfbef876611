"""EnrolmentImport's bytes move from the database to the file storage (lib/stored_files); the
reverse puts them back and removes the stored files."""

from django.db import migrations, models

from springboard.lib.stored_files import BytesToStorage

MOVE = BytesToStorage(
    "employers.EnrolmentImport",
    {"content": "content_file"},
    folder="imports",
    extension=lambda row, field: row.file_kind,
)


class Migration(migrations.Migration):
    dependencies = [("employers", "0012_remove_enrolment_employer_may_see_status")]

    operations = [
        migrations.AddField(
            model_name="enrolmentimport",
            name="content_file",
            field=models.FileField(
                default="", blank=True, max_length=200, upload_to="private/imports/"
            ),
        ),
        migrations.RunPython(MOVE.forward, MOVE.backward, elidable=False),
        # A default for the way back: the column returns before the files are read into it.
        migrations.AlterField(
            model_name="enrolmentimport", name="content", field=models.BinaryField(default=b"")
        ),
        migrations.RemoveField(model_name="enrolmentimport", name="content"),
        migrations.RenameField(
            model_name="enrolmentimport", old_name="content_file", new_name="content"
        ),
        migrations.AlterField(
            model_name="enrolmentimport",
            name="content",
            field=models.FileField(max_length=200, upload_to="private/imports/"),
        ),
    ]
