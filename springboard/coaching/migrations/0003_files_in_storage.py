"""CoachProfile's bytes move from the database to the file storage (lib/stored_files); the
reverse puts them back and removes the stored files."""

from django.db import migrations, models

from springboard.lib.stored_files import BytesToStorage

MOVE = BytesToStorage(
    "coaching.CoachProfile",
    {"photo": "photo_file"},
    folder="coaches",
    extension=lambda row, field: "jpg",
)


class Migration(migrations.Migration):
    dependencies = [("coaching", "0002_seat_budget_entry")]

    operations = [
        migrations.AddField(
            model_name="coachprofile",
            name="photo_file",
            field=models.FileField(
                editable=False, blank=True, max_length=200, upload_to="private/coaches/"
            ),
        ),
        migrations.RunPython(MOVE.forward, MOVE.backward, elidable=False),
        migrations.RemoveField(model_name="coachprofile", name="photo"),
        migrations.RenameField(model_name="coachprofile", old_name="photo_file", new_name="photo"),
    ]
