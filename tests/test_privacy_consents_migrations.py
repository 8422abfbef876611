"""The move of the old consents (programmes.WellbeingConsent, network.NetworkShare,
employers.Enrolment.employer_may_see_status) into the one consent model, forwards and back."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from springboard.privacy.models import AuditEvent
from springboard.privacy.models.consents import Consent, ConsentPurpose
from springboard.programmes.models import WellbeingCheckIn
from tests.factories import make_programme, make_world

BEFORE = [
    ("programmes", "0005_plan_item_tool"),
    ("network", "0001_initial"),
    ("employers", "0010_remove_engagement_programme_template"),
]
MOVED = [
    ("programmes", "0008_remove_wellbeingconsent"),
    ("network", "0003_delete_networkshare"),
    ("employers", "0012_remove_enrolment_employer_may_see_status"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_consents_move_with_their_history_and_back() -> None:
    world = make_world()
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    other = make_programme(a, candidate=a.candidate2, coaches=[a.coach])
    old = _migrate(BEFORE)

    t0 = timezone.now() - datetime.timedelta(days=30)
    days = [t0 + datetime.timedelta(days=n) for n in range(6)]
    wellbeing = old.get_model("programmes", "WellbeingConsent")
    # The candidate consented, withdrew, and consented again; check-ins under the open one.
    wellbeing.objects.create(programme_id=programme.pk, given_at=days[0], withdrawn_at=days[1])
    current = wellbeing.objects.create(programme_id=programme.pk, given_at=days[2])
    old.get_model("programmes", "WellbeingCheckIn").objects.create(
        programme_id=programme.pk,
        consent_id=current.pk,
        week=datetime.date(2026, 3, 2),
        mood=2,
        energy=3,
        confidence=4,
    )
    # The other candidate withdrew for good.
    wellbeing.objects.create(programme_id=other.pk, given_at=days[0], withdrawn_at=days[3])
    share = old.get_model("network", "NetworkShare")
    first = share.objects.create(owner_id=a.candidate.pk)
    share.objects.filter(pk=first.pk).update(shared_at=days[1], withdrawn_at=days[4])
    enrolment = old.get_model("employers", "Enrolment")
    enrolment.objects.filter(candidate_id=a.candidate.pk).update(employer_may_see_status=True)
    # The second candidate allowed it and withdrew: only the audit log remembers.
    other_enrolment = enrolment.objects.get(candidate_id=a.candidate2.pk)
    for when, given in ((days[2], True), (days[5], False)):
        event = AuditEvent.objects.create(
            agency=a.agency,
            actor=a.candidate2.user,
            action="enrolment.employer_consent",
            target_type="employers.enrolment",
            target_id=str(other_enrolment.public_id),
            data={"allowed": given},
        )
        AuditEvent.objects.filter(pk=event.pk).update(created_at=when)

    _migrate(MOVED)

    mine = Consent.objects.get(membership=a.candidate, purpose=ConsentPurpose.WELLBEING)
    assert mine.granted
    assert mine.scope == programme.public_id
    assert [(e.kind, e.at) for e in mine.events.order_by("at")] == [
        ("granted", days[0]),
        ("withdrawn", days[1]),
        ("granted", days[2]),
    ]
    assert {e.actor_id for e in mine.events.all()} == {a.candidate.user_id}
    assert {e.wording_version for e in mine.events.all()} == {"1"}
    assert WellbeingCheckIn.objects.get().consent == mine
    theirs = Consent.objects.get(membership=a.candidate2, purpose=ConsentPurpose.WELLBEING)
    assert not theirs.granted
    network = Consent.objects.get(purpose=ConsentPurpose.SHARE_NETWORK)
    assert (network.membership_id, network.granted, network.scope) == (a.candidate.pk, False, None)
    assert [e.kind for e in network.events.order_by("at")] == ["granted", "withdrawn"]
    named = Consent.objects.filter(purpose=ConsentPurpose.EMPLOYER_NAMED_REPORTING)
    allowed = named.get(membership=a.candidate)
    assert allowed.granted
    assert allowed.scope == programme.enrolment.public_id
    assert [e.kind for e in allowed.events.all()] == ["granted"]
    withdrawn = named.get(membership=a.candidate2)
    assert not withdrawn.granted
    assert [(e.kind, e.at) for e in withdrawn.events.order_by("at")] == [
        ("granted", days[2]),
        ("withdrawn", days[5]),
    ]
    assert withdrawn.scope_label.endswith("— Programme engagement")

    # And back: the old rows again, the one model empty.
    old = _migrate(BEFORE)
    rows = old.get_model("programmes", "WellbeingConsent").objects.order_by("given_at", "pk")
    assert [(r.programme_id, r.given_at, r.withdrawn_at) for r in rows] == [
        (programme.pk, days[0], days[1]),
        (other.pk, days[0], days[3]),
        (programme.pk, days[2], None),
    ]
    checkin = old.get_model("programmes", "WellbeingCheckIn").objects.get()
    assert checkin.consent_id == rows.get(withdrawn_at=None).pk
    shares = old.get_model("network", "NetworkShare").objects.all()
    assert [(s.owner_id, s.shared_at, s.withdrawn_at) for s in shares] == [
        (a.candidate.pk, days[1], days[4])
    ]
    flags = old.get_model("employers", "Enrolment").objects.filter(employer_may_see_status=True)
    assert [e.candidate_id for e in flags] == [a.candidate.pk]
    assert not Consent.objects.exists()
    # Leave the database as every other test expects it: fully migrated.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
