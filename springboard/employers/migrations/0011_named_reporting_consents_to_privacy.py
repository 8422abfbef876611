"""The enrolment's `employer_may_see_status` flag becomes the candidate's consent in the one
consent model (`privacy.Consent`, purpose "employer_named_reporting", scoped to the enrolment).

The flag kept no history; the audit log did (`enrolment.employer_consent` events with
{"allowed": …}), so each consent's history is rebuilt from it. A flag set without any such
event gets one grant at the enrolment's last change. Reversible: going back sets the flag of
every enrolment whose consent is granted (the audit log keeps the history)."""

from collections import defaultdict

from django.db import migrations

# The wording version the privacy page showed before consents moved (see
# springboard/privacy/consents/wording.py).
WORDING_VERSION = "1"


def copy_consents(apps, schema_editor):
    enrolment_model = apps.get_model("employers", "Enrolment")
    audit_model = apps.get_model("privacy", "AuditEvent")
    consent_model = apps.get_model("privacy", "Consent")
    event_model = apps.get_model("privacy", "ConsentEvent")
    history = defaultdict(list)
    for event in audit_model.objects.filter(
        action="enrolment.employer_consent", target_type="employers.enrolment"
    ).order_by("created_at", "pk"):
        kind = "granted" if (event.data or {}).get("allowed") else "withdrawn"
        history[event.target_id].append((event.created_at, kind, event.actor_id))
    enrolments = enrolment_model.objects.select_related(
        "candidate", "engagement__employer"
    ).order_by("pk")
    for enrolment in enrolments.iterator():
        changes = history.get(str(enrolment.public_id), [])
        # The flag is the truth; a history that ends otherwise gets the missing change.
        state = "granted" if enrolment.employer_may_see_status else "withdrawn"
        if (changes or state == "granted") and (not changes or changes[-1][1] != state):
            changes.append((enrolment.updated_at, state, enrolment.candidate.user_id))
        if not changes:
            continue
        consent = consent_model.objects.create(
            agency_id=enrolment.agency_id,
            membership_id=enrolment.candidate_id,
            purpose="employer_named_reporting",
            scope=enrolment.public_id,
            scope_label=f"{enrolment.engagement.employer.name} — {enrolment.engagement.name}",
            granted=enrolment.employer_may_see_status,
            changed_at=changes[-1][0],
        )
        event_model.objects.bulk_create(
            event_model(
                consent_id=consent.pk,
                kind=kind,
                actor_id=actor_id,
                wording_version=WORDING_VERSION,
                at=at,
            )
            for at, kind, actor_id in changes
        )


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
    enrolment_model = apps.get_model("employers", "Enrolment")
    consent_model = apps.get_model("privacy", "Consent")
    event_model = apps.get_model("privacy", "ConsentEvent")
    consents = consent_model.objects.filter(purpose="employer_named_reporting")
    granted = consents.filter(granted=True).values_list("scope", flat=True)
    enrolment_model.objects.filter(public_id__in=list(granted)).update(employer_may_see_status=True)
    _delete_consents(schema_editor, consent_model, event_model, list(consents.values_list("pk", flat=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0010_remove_engagement_programme_template"),
        ("privacy", "0005_consents"),
    ]

    operations = [migrations.RunPython(copy_consents, copy_back)]
