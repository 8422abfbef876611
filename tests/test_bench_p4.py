"""P4 benchmark helpers: the hashing detector can fail, and the baseline writers write what
ours writes (small files, so this runs in the normal suite)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password

from bench.p4_enrolment import (
    _pipeline,
    bulk_create_writer,
    count_hashing,
    generate_csv,
    save_loop_writer,
)
from springboard.accounts.models import Invitation, User
from springboard.employers.models import Enrolment
from springboard.tenancy.models import Membership


def test_detector_counts_a_hashed_password():
    with count_hashing() as counts:
        encoded = make_password("correct horse battery staple")
        assert counts["encode"] == 1
        assert check_password("correct horse battery staple", encoded)
        assert counts["verify"] >= 1


def test_detector_counts_set_password():
    with count_hashing() as counts:
        User(email="hash@example.com").set_password("s3cret-pass")
    assert counts["encode"] == 1


def test_detector_ignores_unusable_passwords_and_unpatches():
    with count_hashing() as counts:
        make_password(None)
        User(email="none@example.com").set_unusable_password()
    assert counts == {"encode": 0, "verify": 0}
    make_password("after the block")
    assert counts["encode"] == 0  # the hashers are restored


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer", [None, save_loop_writer, bulk_create_writer])
def test_writers_create_the_same_rows(monkeypatch, writer):
    monkeypatch.setattr("bench.p4_enrolment.ROWS", 12)
    calls = []

    def recording(**kwargs):
        calls.append(writer)
        return writer(**kwargs)

    with count_hashing() as counts:
        result = _pipeline(generate_csv(12, offset=500), recording if writer else None)
    assert calls == ([writer] if writer else [])  # the baseline writer did the writing
    assert result["summary"]["created"] == 12
    assert counts == {"encode": 0, "verify": 0}
    user = User.objects.get(email="person000503@layoff.example")
    assert user.full_name == ""
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, role="candidate")
    assert (membership.full_name, membership.language) == ("Person 000503", "nl")
    enrolment = Enrolment.objects.get(candidate=membership)
    assert (enrolment.employee_number, enrolment.location) == ("E000503", "Odense")
    assert enrolment.source_fingerprint
    invitation = Invitation.objects.get(email=user.email, agency=membership.agency)
    assert (invitation.full_name, invitation.language) == ("Person 000503", "nl")
