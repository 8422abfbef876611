import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import springboard.privacy.models.erasure


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_exports"),
        ("tenancy", "0004_employer_moves_to_tenancy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ErasureRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="requested"
                    ),
                ),
                (
                    "deadline",
                    models.DateField(
                        default=springboard.privacy.models.erasure.default_deadline,
                        verbose_name="deadline",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("done", "Erased"), ("refused", "Refused")],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "refusal_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("legal_obligation", "A law obliges us to keep the data"),
                            ("legal_claims", "The data is needed for a legal claim"),
                            (
                                "contract",
                                "The programme is still running under the employer's contract",
                            ),
                            ("identity", "We could not confirm who made the request"),
                            ("unfounded", "The request is manifestly unfounded or excessive"),
                        ],
                        max_length=20,
                        verbose_name="reason for refusing",
                    ),
                ),
                (
                    "refusal_text",
                    models.TextField(blank=True, max_length=2000, verbose_name="explanation"),
                ),
                ("handled_at", models.DateTimeField(blank=True, null=True, verbose_name="handled")),
                ("erased", models.JSONField(blank=True, default=dict)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="erasure_requests",
                        to="tenancy.agency",
                    ),
                ),
                (
                    "handled_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="erasure_requests",
                        to="tenancy.membership",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ("deadline", "pk")},
        ),
        migrations.AddIndex(
            model_name="erasurerequest",
            index=models.Index(
                fields=["agency", "status", "deadline"], name="privacy_era_agency__ece816_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="erasurerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["open", "done", "refused"])),
                name="erasure_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="erasurerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status", "refused"), models.Q(("refusal_reason", ""), _negated=True)
                    ),
                    models.Q(
                        models.Q(("status", "refused"), _negated=True), ("refusal_reason", "")
                    ),
                    _connector="OR",
                ),
                name="erasure_refusal_reason_iff_refused",
            ),
        ),
        migrations.AddConstraint(
            model_name="erasurerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("membership",),
                name="erasure_one_open_per_membership",
            ),
        ),
    ]
