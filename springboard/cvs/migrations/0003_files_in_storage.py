"""Rendering's bytes move from the database to the file storage (lib/stored_files); the
reverse puts them back and removes the stored files."""

from django.db import migrations, models

from springboard.lib.stored_files import BytesToStorage

MOVE = BytesToStorage(
    "cvs.Rendering",
    {"pdf": "pdf_file", "docx": "docx_file"},
    folder="cvs",
    extension=lambda row, field: field,
)


class Migration(migrations.Migration):
    dependencies = [("cvs", "0002_rendering")]

    operations = [
        migrations.AddField(
            model_name="rendering",
            name="pdf_file",
            field=models.FileField(
                default="", blank=True, max_length=200, upload_to="private/cvs/"
            ),
        ),
        migrations.AddField(
            model_name="rendering",
            name="docx_file",
            field=models.FileField(
                default="", blank=True, max_length=200, upload_to="private/cvs/"
            ),
        ),
        migrations.RunPython(MOVE.forward, MOVE.backward, elidable=False),
        # A default for the way back: the column returns before the files are read into it.
        migrations.AlterField(
            model_name="rendering", name="pdf", field=models.BinaryField(default=b"")
        ),
        # A default for the way back: the column returns before the files are read into it.
        migrations.AlterField(
            model_name="rendering", name="docx", field=models.BinaryField(default=b"")
        ),
        migrations.RemoveField(model_name="rendering", name="pdf"),
        migrations.RenameField(model_name="rendering", old_name="pdf_file", new_name="pdf"),
        migrations.RemoveField(model_name="rendering", name="docx"),
        migrations.RenameField(model_name="rendering", old_name="docx_file", new_name="docx"),
        migrations.AlterField(
            model_name="rendering",
            name="pdf",
            field=models.FileField(max_length=200, upload_to="private/cvs/"),
        ),
        migrations.AlterField(
            model_name="rendering",
            name="docx",
            field=models.FileField(max_length=200, upload_to="private/cvs/"),
        ),
    ]
