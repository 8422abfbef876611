import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_erasure"),
        ("tenancy", "0004_employer_moves_to_tenancy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Consent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("purpose", models.CharField(choices=[("wellbeing", "Wellbeing check-ins"), ("share_network", "Showing my network to my coaches"), ("employer_named_reporting", "Showing my programme status to my former employer")], max_length=40, verbose_name="purpose")),
                ("scope", models.UUIDField(blank=True, null=True)),
                ("scope_label", models.CharField(blank=True, max_length=200)),
                ("granted", models.BooleanField(default=False, verbose_name="granted")),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="since")),
                ("agency", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.agency")),
                ("membership", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="consents", to="tenancy.membership")),
            ],
            options={
                "ordering": ("purpose", "scope_label", "pk"),
                "indexes": [models.Index(fields=["purpose", "granted", "membership"], name="consent_purpose_granted_idx")],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("scope__isnull", False)), fields=("membership", "purpose", "scope"), name="consent_one_per_scope"),
                    models.UniqueConstraint(condition=models.Q(("scope__isnull", True)), fields=("membership", "purpose"), name="consent_one_unscoped"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ConsentEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("granted", "Granted"), ("withdrawn", "Withdrawn")], max_length=10, verbose_name="change")),
                ("wording_version", models.CharField(max_length=20, verbose_name="wording version")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when")),
                ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("consent", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="privacy.consent")),
            ],
            options={"ordering": ("-at", "-pk")},
        ),
    ]
