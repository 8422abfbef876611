"""Wellbeing consents move to the one consent model (`privacy.Consent`, purpose "wellbeing",
scoped to the programme): each programme's consents become one record whose history holds every
earlier grant and withdrawal, and each check-in points at it. Reversible: going back rebuilds
the per-programme rows from that history."""

from collections import defaultdict

from django.db import migrations

# The wording version the check-in page showed before consents moved (see
# springboard/privacy/consents/wording.py).
WORDING_VERSION = "1"


def copy_consents(apps, schema_editor):
    old_model = apps.get_model("programmes", "WellbeingConsent")
    checkin_model = apps.get_model("programmes", "WellbeingCheckIn")
    consent_model = apps.get_model("privacy", "Consent")
    event_model = apps.get_model("privacy", "ConsentEvent")
    by_programme = defaultdict(list)
    for old in old_model.objects.select_related("programme__candidate").order_by(
        "programme_id", "given_at", "pk"
    ):
        by_programme[old.programme_id].append(old)
    for olds in by_programme.values():
        programme = olds[0].programme
        changes = [(old.given_at, "granted") for old in olds] + [
            (old.withdrawn_at, "withdrawn") for old in olds if old.withdrawn_at is not None
        ]
        changes.sort(key=lambda change: change[0])
        consent = consent_model.objects.create(
            agency_id=programme.agency_id,
            membership_id=programme.candidate_id,
            purpose="wellbeing",
            scope=programme.public_id,
            granted=any(old.withdrawn_at is None for old in olds),
            changed_at=changes[-1][0],
        )
        event_model.objects.bulk_create(
            event_model(
                consent_id=consent.pk,
                kind=kind,
                actor_id=programme.candidate.user_id,
                wording_version=WORDING_VERSION,
                at=at,
            )
            for at, kind in changes
        )
        checkin_model.objects.filter(programme_id=programme.pk).update(
            held_under_id=consent.pk, consent_id=None
        )
    old_model.objects.all().delete()


def _delete_consents(schema_editor, consent_model, event_model, ids):
    """Delete consents and their history with plain SQL: in a partly rendered migration state
    the ORM's cascade may meet a model of another rendering and refuse."""
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {event_model._meta.db_table} WHERE consent_id IN ({marks})", ids
        )
        cursor.execute(f"DELETE FROM {consent_model._meta.db_table} WHERE id IN ({marks})", ids)


def copy_back(apps, schema_editor):
    old_model = apps.get_model("programmes", "WellbeingConsent")
    checkin_model = apps.get_model("programmes", "WellbeingCheckIn")
    programme_model = apps.get_model("programmes", "Programme")
    consent_model = apps.get_model("privacy", "Consent")
    # Through the model: a partly rendered migration state may lack the reverse accessor.
    event_model = apps.get_model("privacy", "ConsentEvent")
    for consent in consent_model.objects.filter(purpose="wellbeing").order_by("pk"):
        programme = programme_model.objects.filter(public_id=consent.scope).first()
        latest = None
        if programme is not None:
            for event in event_model.objects.filter(consent_id=consent.pk).order_by("at", "pk"):
                if event.kind == "granted" and (latest is None or latest.withdrawn_at):
                    latest = old_model.objects.create(programme=programme, given_at=event.at)
                elif event.kind == "withdrawn" and latest is not None and not latest.withdrawn_at:
                    latest.withdrawn_at = event.at
                    latest.save(update_fields=["withdrawn_at"])
        # The check-ins leave the consent before it goes, or they would go with it.
        checkin_model.objects.filter(held_under_id=consent.pk).update(
            held_under_id=None, consent_id=latest.pk if latest is not None else None
        )
        _delete_consents(schema_editor, consent_model, event_model, [consent.pk])


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_wellbeing_checkin_held_under"),
    ]

    operations = [migrations.RunPython(copy_consents, copy_back)]
