"""A database made by the previous release migrates forward with every row kept: the Employer
model moving into tenancy (state only), per-agency names on memberships, the engagement's
programme template moving into programmes (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The migration heads of the previous release (before the one-way app graph).
PREVIOUS_RELEASE = [
    ("tenancy", "0002_alter_membership_agency"),
    ("accounts", "0004_invitation_emailed_at"),
    ("employers", "0007_engagement_programme_template"),
    ("programmes", "0002_shipped_templates"),
]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _latest() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def previous_release() -> Iterator[MigrationExecutor]:
    """The database as the previous release left it; brought back to the latest state after the
    test whatever happens, so that the tests after it on this worker find today's schema."""
    try:
        yield _migrate(PREVIOUS_RELEASE)
    finally:
        _migrate(_latest())


@pytest.mark.django_db(transaction=True)
def test_a_previous_release_database_migrates_forward_without_data_loss(
    previous_release: MigrationExecutor,
) -> None:
    executor = previous_release
    old = executor.loader.project_state(PREVIOUS_RELEASE).apps
    agency = old.get_model("tenancy", "Agency").objects.create(slug="old", name="Old agency")
    employer = old.get_model("employers", "Employer").objects.create(
        agency=agency, name="Havnegade A/S", registration_number="DK-1"
    )
    user_model = old.get_model("accounts", "User")
    joined = user_model.objects.create(
        email="hr@example.test", full_name="Hanne HR", language="da", password="pbkdf2$x"
    )
    enrolled = user_model.objects.create(
        email="cand@example.test", full_name="Carl Candidate", language="nb", password="!unusable"
    )
    membership_model = old.get_model("tenancy", "Membership")
    contact = membership_model.objects.create(
        agency=agency, user=joined, role="employer_contact", employer=employer
    )
    candidate = membership_model.objects.create(agency=agency, user=enrolled, role="candidate")
    template = old.get_model("programmes", "ProgrammeTemplate").objects.create(
        agency=agency, key="old-release-template"
    )
    engagement = old.get_model("employers", "Engagement").objects.create(
        agency=agency,
        employer=employer,
        name="Round 1",
        start_date="2026-01-05",
        programme_template=template,
    )
    old.get_model("accounts", "Invitation").objects.create(
        agency=agency,
        email="new.hr@example.test",
        role="employer_contact",
        employer=employer,
        expires_at="2030-01-01T00:00:00Z",
    )

    executor = _migrate(_latest())
    new = executor.loader.project_state(_latest()).apps

    moved = new.get_model("tenancy", "Employer").objects.get(pk=employer.pk)
    assert (moved.name, moved.registration_number, moved.agency_id) == (
        "Havnegade A/S",
        "DK-1",
        agency.pk,
    )
    memberships = new.get_model("tenancy", "Membership").objects
    hr = memberships.get(pk=contact.pk)
    assert (hr.employer_id, hr.full_name, hr.language) == (employer.pk, "Hanne HR", "da")
    assert hr.joined_at is not None  # could sign in: counts as joined
    person = memberships.get(pk=candidate.pk)
    assert (person.full_name, person.language, person.joined_at) == ("Carl Candidate", "nb", None)
    invitation = new.get_model("accounts", "Invitation").objects.get(email="new.hr@example.test")
    assert invitation.employer_id == employer.pk
    assert new.get_model("employers", "Engagement").objects.get(pk=engagement.pk).employer_id == (
        employer.pk
    )
    settings = new.get_model("programmes", "EngagementProgramme").objects.get(
        engagement_id=engagement.pk
    )
    assert settings.template_id == template.pk
