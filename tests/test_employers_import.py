"""Bulk enrolment: validation rules, idempotence, all-or-nothing writes, limits, reports."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from springboard.accounts.models import Invitation, User
from springboard.employers import services
from springboard.employers.importing import reading
from springboard.employers.importing.report import error_report_csv, neutralise
from springboard.employers.models import ColumnMapping, Enrolment, EnrolmentImport, ImportStatus
from springboard.lib.errors import DomainError
from springboard.programmes.reporting import MIN_GROUP, suppress, suppressed_total
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.employer_fixtures import (
    checked_import,
    csv_bytes,
    make_cohort,
    make_engagement,
    person_row,
    run_import,
    xlsx_bytes,
)
from tests.factories import World

# The shared upload-and-check and start helpers, under this module's short names.
_import = checked_import
_run = run_import


def _errors(upload: EnrolmentImport) -> list[tuple[int, str]]:
    return [(e["row"], e["message"]) for e in upload.errors]


def test_guesses_dutch_headers_and_imports(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [person_row(n) for n in range(12)]
    upload = _import(world, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert upload.status == ImportStatus.VALIDATED
    assert upload.errors == []
    assert upload.mapping["email"] == "E-mailadres"
    assert upload.summary["new"] == 12
    done = _run(world, upload, django_capture_on_commit_callbacks)
    assert done.status == ImportStatus.DONE
    assert done.summary["created"] == 12
    assert Enrolment.objects.filter(engagement=upload.engagement).count() == 12
    user = User.objects.get(email="person00003@hr.example")
    assert not user.has_usable_password()
    assert user.language == "nl"
    assert Membership.objects.get(user=user).role == Role.CANDIDATE
    assert Invitation.objects.filter(role=Role.CANDIDATE).count() == 12
    assert len(mail.outbox) == 12
    assert ColumnMapping.objects.get(employer=world.a.employer).mapping["full_name"] == "Naam"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"Naam": ""}, "This field is required."),
        ({"E-mailadres": ""}, "This field is required."),
        ({"E-mailadres": "not-an-address"}, "Not a valid e-mail address."),
        ({"Telefoon": "call me"}, "Not a valid phone number."),
        ({"Opzegdatum": "31/31/2026"}, "Not a date; use YYYY-MM-DD or DD-MM-YYYY."),
        ({"Laatste werkdag": "2026-01-01"}, "The last working day is before the notice date."),
        ({"Taal": "klingon"}, "Use en, nl, da or nb."),
        ({"Functie": "x" * 201}, "Longer than 200 characters."),
    ],
)
def test_each_row_rule(
    world: World, django_capture_on_commit_callbacks: Any, override: dict[str, str], message: str
) -> None:
    rows = [person_row(1), person_row(2, **override), person_row(3)]
    upload = _import(world, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert _errors(upload) == [(3, message)]
    with pytest.raises(DomainError):
        services.enrolment_import_start(upload=upload, actor=world.a.admin)
    assert not Enrolment.objects.exists()


def test_duplicates_within_the_file_and_against_existing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = make_engagement(world.a)
    first = _import(
        world, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks, engagement=engagement
    )
    _run(world, first, django_capture_on_commit_callbacks)
    rows = [
        person_row(2),
        person_row(3, **{"E-mailadres": "person00002@hr.example"}),
        person_row(4, Personeelsnummer="E00002"),
        person_row(5, Personeelsnummer="E00001"),
        person_row(6, **{"E-mailadres": world.a.coach.user.email}),
    ]
    upload = _import(
        world, csv_bytes(rows), django_capture_on_commit_callbacks, engagement=engagement
    )
    assert _errors(upload) == [
        (3, "Same e-mail as row 2."),
        (4, "Same employee number as row 2."),
        (5, "Already used by another candidate in this engagement."),
        (6, "This address belongs to a staff member of the agency."),
    ]


def test_reimport_changes_nothing_and_update_changes_only_changed_rows(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = make_engagement(world.a)
    rows = [person_row(n) for n in range(20)]
    _run(
        world,
        _import(world, csv_bytes(rows), django_capture_on_commit_callbacks, engagement=engagement),
        django_capture_on_commit_callbacks,
    )
    before = {e.pk: e.updated_at for e in Enrolment.objects.all()}
    invitations = Invitation.objects.count()

    again = _run(
        world,
        _import(world, csv_bytes(rows), django_capture_on_commit_callbacks, engagement=engagement),
        django_capture_on_commit_callbacks,
    )
    assert again.summary["created"] == again.summary["updated"] == 0
    assert again.summary["unchanged"] == 20
    assert {e.pk: e.updated_at for e in Enrolment.objects.all()} == before
    assert Invitation.objects.count() == invitations

    rows[5] = person_row(5, Functie="Team lead")
    update = _run(
        world,
        _import(world, csv_bytes(rows), django_capture_on_commit_callbacks, engagement=engagement),
        django_capture_on_commit_callbacks,
    )
    assert (update.summary["created"], update.summary["updated"], update.summary["unchanged"]) == (
        0,
        1,
        19,
    )
    assert Enrolment.objects.get(employee_number="E00005").job_title == "Team lead"
    assert Invitation.objects.count() == invitations


@pytest.mark.parametrize("step", ["User", "Membership", "Enrolment", "Invitation"])
def test_nothing_is_written_when_a_step_fails(
    world: World, django_capture_on_commit_callbacks: Any, step: str
) -> None:
    from allauth.account.models import EmailAddress

    from springboard.accounts import services as account_services
    from springboard.employers.importing import writing
    from springboard.tenancy import services as tenancy_services

    models = {
        "User": User,
        "EmailAddress": EmailAddress,
        "Membership": Membership,
        "Enrolment": Enrolment,
        "Invitation": Invitation,
    }
    upload = _import(
        world, csv_bytes([person_row(n) for n in range(5)]), django_capture_on_commit_callbacks
    )
    counts = {name: model.objects.count() for name, model in models.items()}
    real_insert = writing.insert_rows

    def failing_insert(model: Any, columns: Any, rows: Any) -> int:
        if model is models[step]:
            raise IntegrityError("injected failure")
        return real_insert(model, columns, rows)

    # Accounts, memberships and invitations are written by the services of the apps that own them.
    with (
        mock.patch.object(writing, "insert_rows", failing_insert),
        mock.patch.object(account_services, "insert_rows", failing_insert),
        mock.patch.object(tenancy_services, "insert_rows", failing_insert),
    ):
        failed = _run(world, upload, django_capture_on_commit_callbacks)
    assert failed.status == ImportStatus.FAILED
    assert "injected failure" in failed.failure
    assert {name: model.objects.count() for name, model in models.items()} == counts
    assert not mail.outbox


def test_xlsx_with_real_dates(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from datetime import datetime

    rows = [person_row(n) for n in range(3)]
    for row in rows:
        row[7] = datetime(2026, 3, 2)  # type: ignore[call-overload]
    upload = _import(world, xlsx_bytes(rows), django_capture_on_commit_callbacks, name="hr.xlsx")
    assert upload.file_kind == "xlsx"
    assert upload.errors == []
    _run(world, upload, django_capture_on_commit_callbacks)
    assert str(Enrolment.objects.first().notice_date) == "2026-03-02"  # type: ignore[union-attr]


def _upload_error(world: World, content: bytes, name: str = "hr.csv") -> str:
    with pytest.raises(DomainError) as caught:
        services.enrolment_import_upload(
            engagement=make_engagement(world.a, name=f"E {len(content)} {name}"),
            cohort=None,
            actor=world.a.admin,
            file_name=name,
            content=content,
            default_language="en",
        )
    return caught.value.message


def test_limits_and_hostile_files(world: World) -> None:
    assert "larger than" in _upload_error(world, b"a" * (reading.MAX_UPLOAD_BYTES + 1))
    assert "not a CSV or XLSX" in _upload_error(world, b"\x00\x01binary")
    assert "empty" in _upload_error(world, b"")
    with mock.patch.object(reading, "MAX_ROWS", 3):
        assert "more than 3 rows" in _upload_error(
            world, csv_bytes([person_row(n) for n in range(5)])
        )
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"macro")
    assert "macros" in _upload_error(world, macro.getvalue(), "hr.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    assert "implausible size" in _upload_error(world, bomb.getvalue(), "hr.xlsx")
    assert not EnrolmentImport.objects.exists()


def test_error_report_neutralises_formulas(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    for dangerous in ("=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous).startswith("'")
    assert neutralise("plain") == "plain"
    report = error_report_csv([{"row": 2, "column": "=HYPERLINK()", "message": "x"}])
    assert "'=HYPERLINK()" in report


@given(
    st.dictionaries(
        st.sampled_from(["invited", "started", "placed", "dropped"]),
        st.integers(min_value=0, max_value=40),
        min_size=1,
    )
)
def test_suppression_never_reveals_a_small_group(counts: dict[str, int]) -> None:
    cells = suppress(counts)
    shown = {k: c.value for k, c in cells.items() if not c.suppressed}
    hidden = [k for k, c in cells.items() if c.suppressed]
    assert all(v == 0 or (v is not None and v >= MIN_GROUP) for v in shown.values())
    assert all(counts[k] == 0 or counts[k] >= MIN_GROUP for k in shown)
    # A lone hidden cell could be recovered from the total by subtraction, unless the total
    # (then equal to that cell) is hidden too.
    if len(hidden) == 1:
        assert suppressed_total(counts).suppressed


def test_enrol_command(world: World, tmp_path: Any, capsys: Any) -> None:
    engagement = make_engagement(world.a)
    cohort = make_cohort(engagement)
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes([person_row(n) for n in range(30)]))
    call_command(
        "enrol",
        "--engagement",
        str(engagement.public_id),
        "--cohort",
        str(cohort.public_id),
        "--actor",
        world.a.admin.user.email,
        str(path),
    )
    out = capsys.readouterr().out
    assert "30 new" in out
    assert Enrolment.objects.filter(cohort=cohort).count() == 30
    path.write_bytes(csv_bytes([person_row(1, **{"E-mailadres": "broken"})]))
    with pytest.raises(SystemExit):
        call_command(
            "enrol",
            "--engagement",
            str(engagement.public_id),
            "--actor",
            world.a.admin.user.email,
            str(path),
        )
    assert "Not a valid e-mail address" in capsys.readouterr().err


def test_imported_candidate_activates_the_account_through_the_invitation(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client

    from springboard.accounts.emails import invitation_url

    upload = _import(world, csv_bytes([person_row(7)]), django_capture_on_commit_callbacks)
    _run(world, upload, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(email="person00007@hr.example")
    assert invitation_url(invitation, mailbox=True) in mail.outbox[0].body
    client = Client()
    path = invitation_url(invitation, mailbox=True).split("://", 1)[1].split("/", 1)[1]
    response = client.post(
        "/" + path,
        {
            "full_name": "Person Seven",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="person00007@hr.example")
    assert user.has_usable_password()
    assert Membership.objects.filter(user=user, role=Role.CANDIDATE, is_active=True).count() == 1
    assert Client().login(username=user.email, password="a-long-passphrase-7")
