"""Network shares move to the one consent model (`privacy.Consent`, purpose "share_network",
no scope): each candidate's share rows become one consent whose history holds every share and
withdrawal. Reversible: going back rebuilds the share rows from that history."""

from collections import defaultdict

from django.db import migrations

# The wording version the sharing page showed before consents moved (see
# springboard/privacy/consents/wording.py).
WORDING_VERSION = "1"


def copy_shares(apps, schema_editor):
    share_model = apps.get_model("network", "NetworkShare")
    consent_model = apps.get_model("privacy", "Consent")
    event_model = apps.get_model("privacy", "ConsentEvent")
    by_owner = defaultdict(list)
    for share in share_model.objects.select_related("owner").order_by("owner_id", "shared_at", "pk"):
        by_owner[share.owner_id].append(share)
    for shares in by_owner.values():
        owner = shares[0].owner
        changes = [(share.shared_at, "granted") for share in shares] + [
            (share.withdrawn_at, "withdrawn") for share in shares if share.withdrawn_at is not None
        ]
        changes.sort(key=lambda change: change[0])
        consent = consent_model.objects.create(
            agency_id=owner.agency_id,
            membership_id=owner.pk,
            purpose="share_network",
            scope=None,
            granted=any(share.withdrawn_at is None for share in shares),
            changed_at=changes[-1][0],
        )
        event_model.objects.bulk_create(
            event_model(
                consent_id=consent.pk,
                kind=kind,
                actor_id=owner.user_id,
                wording_version=WORDING_VERSION,
                at=at,
            )
            for at, kind in changes
        )
    share_model.objects.all().delete()


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
    share_model = apps.get_model("network", "NetworkShare")
    consent_model = apps.get_model("privacy", "Consent")
    # Through the model: a partly rendered migration state may lack the reverse accessor.
    event_model = apps.get_model("privacy", "ConsentEvent")
    for consent in consent_model.objects.filter(purpose="share_network").order_by("pk"):
        latest = None
        for event in event_model.objects.filter(consent_id=consent.pk).order_by("at", "pk"):
            if event.kind == "granted" and (latest is None or latest.withdrawn_at):
                latest = share_model.objects.create(owner_id=consent.membership_id)
                # `shared_at` is set on creation; the history knows when it really was.
                share_model.objects.filter(pk=latest.pk).update(shared_at=event.at)
            elif event.kind == "withdrawn" and latest is not None and not latest.withdrawn_at:
                latest.withdrawn_at = event.at
                share_model.objects.filter(pk=latest.pk).update(withdrawn_at=event.at)
        _delete_consents(schema_editor, consent_model, event_model, [consent.pk])


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
        ("privacy", "0005_consents"),
    ]

    operations = [migrations.RunPython(copy_shares, copy_back)]
