"""Erasure of a person in one agency, erasure requests, retention and the privacy settings.

The person (a demo candidate with records in every app, and a CV file) is also a candidate of a
second agency. Every text and JSON field of each of their rows holds a canary naming the agency;
after the erasure, a raw scan of every text column of every table finds none of the first
agency's canaries and all of the second's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.home.demo import DEMO_AGENCY_SLUG, load_demo_data
from springboard.outcomes.reporting import employer_outcome_report
from springboard.privacy.declarations import RetentionKind, declaration_for, declarations
from springboard.privacy.erasure.engine import erase_rows
from springboard.privacy.erasure.retention import apply_retention
from springboard.privacy.erasure.services import (
    erase_person,
    erasure_request_create,
    erasure_request_refuse,
)
from springboard.privacy.models import AuditEvent, PrivacySettings
from springboard.privacy.models.erasure import ErasureRequest, ErasureStatus, RefusalReason
from springboard.profiles.models import CvUpload, Profile
from springboard.programmes.models import Programme, ProgrammeStatus, StatusChange
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role
from tests.factories import (
    PASSWORD,
    AgencyWorld,
    make_agency_world,
    make_member,
    make_programme,
)

CANARY_A = "Qzv8Alpha"
CANARY_B = "Qzv8Beta"
TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "URLField"}
SCAN_TYPES = {*TEXT_TYPES, "JSONField", "FileField"}
MAIL_A = "mette.jensen@mail.example"


@dataclass
class Person:
    a: Membership  # the demo candidate in the demo agency: the one erased
    b: Membership  # the same account, candidate of agency "beta"
    side_b: AgencyWorld
    contact_a: Membership  # the demo agency's employer contact
    admin_a: Membership


def _cv_upload(membership: Membership, name: str) -> CvUpload:
    profile, _created = Profile.objects.get_or_create(membership=membership)
    return CvUpload.objects.create(
        profile=profile,
        file=ContentFile(b"%PDF-1.4 canary", name=name),
        original_name=name,
        size=15,
    )


def _rows_of(membership: Membership) -> dict[type[models.Model], list[Any]]:
    return {
        d.model: list(d.rows(membership).values_list("pk", flat=True))
        for d in declarations()
        if d.on_erase != "keep"
    }


def _fill(membership: Membership, tag: str, skip: dict[type[models.Model], list[Any]]) -> int:
    """Put `tag` into every free text and JSON field of each of the person's rows (rows also
    reached from `skip` are left alone); returns the number of fields filled. Fields the
    declaration keeps out of the export (password hashes, keys) are secrets, not text."""
    filled = 0
    for model, pks in _rows_of(membership).items():
        declaration = declaration_for(model)
        secrets = set(getattr(declaration, "exclude", ()))
        for pk in pks:
            if pk in skip.get(model, ()):
                continue
            updates: dict[str, Any] = {}
            for field in model._meta.concrete_fields:
                kind = field.get_internal_type()
                if field.primary_key or field.choices or field.name in secrets:
                    continue
                value = f"{tag}-{model._meta.model_name}-{pk}-{field.name}"
                if kind in TEXT_TYPES:
                    if field.max_length is not None and field.max_length < len(tag) + 4:
                        continue
                    if kind == "EmailField":
                        value = f"{tag}{pk}@example.test"
                    updates[field.attname] = value[: field.max_length or None]
                elif kind == "JSONField":
                    updates[field.attname] = {"canary": value}
            if updates:
                model._default_manager.filter(pk=pk).update(**updates)
                filled += len(updates)
    return filled


def scan(needle: str) -> dict[str, int]:
    """Rows holding `needle` in any text, JSON or file column of any table, by table.column."""
    found: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if field.get_internal_type() not in SCAN_TYPES:
                    continue
                table, column = model._meta.db_table, str(field.column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608 - names from the models
                    f"WHERE CAST({quote(column)} AS TEXT) LIKE %s",
                    [f"%{needle}%"],
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
    return found


def report_totals(contact: Membership) -> list[Any]:
    """What the employer's outcome report shows: every table's rows and cells, and figures."""
    return [
        (
            [(t.title, [(r.label, r.total, r.cells) for r in t.rows]) for t in report.tables],
            report.figures,
        )
        for report in employer_outcome_report(contact)
    ]


def make_person() -> Person:
    load_demo_data()
    agency_a = Agency.objects.get(slug=DEMO_AGENCY_SLUG)
    a = Membership.objects.select_related("user", "agency").get(agency=agency_a, user__email=MAIL_A)
    side_b = make_agency_world("beta")
    b = make_member(side_b.agency, Role.CANDIDATE, user=a.user)
    make_programme(side_b, candidate=b)
    from springboard.profiles.demo import profiles_demo

    profiles_demo(side_b.agency, [b])
    admin_a = Membership.objects.select_related("user").get(agency=agency_a, role=Role.ADMIN)
    TOTP.activate(admin_a.user, generate_totp_secret())  # staff need a second factor
    _cv_upload(a, "mette-cv.pdf")
    _cv_upload(b, "mette-cv-beta.pdf")
    return Person(
        a=a,
        b=b,
        side_b=side_b,
        contact_a=Membership.objects.get(agency=agency_a, role=Role.EMPLOYER_CONTACT),
        admin_a=admin_a,
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def person(db: None, media: Path) -> Person:
    return make_person()


def _files_of(membership: Membership) -> list[str]:
    names: list[str] = []
    for d in declarations():
        for row in d.rows(membership):
            names.extend(getattr(row, f).name for f in d.files if getattr(row, f))
    return names


# --- erasure ----------------------------------------------------------------------------------


def test_erasure_leaves_no_canary_and_no_file_and_spares_the_other_agency(
    person: Person, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    rows_b = _rows_of(person.b)
    assert _fill(person.b, CANARY_B, {}) > 0
    assert _fill(person.a, CANARY_A, rows_b) > 20
    before_b = scan(CANARY_B)
    assert scan(CANARY_A), "the canaries are in place"
    files_a, files_b = _files_of(person.a), _files_of(person.b)
    assert files_a
    assert files_b
    assert all((media / name).exists() for name in files_a + files_b)
    totals = report_totals(person.contact_a)
    assert totals, "the employer has a report that counts the person"

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_person(person.a, actor=person.admin_a.user)

    assert erasure.total > 0
    assert scan(CANARY_A) == {}
    assert scan(CANARY_B) == before_b
    assert not any((media / name).exists() for name in files_a)
    assert all((media / name).exists() for name in files_b)
    assert report_totals(person.contact_a) == totals
    person.a.refresh_from_db()
    assert not person.a.is_active
    assert person.a.full_name == ""
    assert Programme.objects.filter(candidate=person.a).exists(), "programmes stay, nameless"
    # The other agency's membership and the login are untouched.
    person.b.refresh_from_db()
    assert person.b.is_active
    event = AuditEvent.objects.get(action="erasure.person")
    assert event.agency_id == person.a.agency_id
    assert event.data["rows"] == erasure.rows


def test_login_still_works_in_the_other_agency(person: Person) -> None:
    erase_person(person.a, actor=None)
    client = Client()
    assert client.login(email=MAIL_A, password="springboard-demo")
    own = client.get(reverse("home:agency", kwargs={"agency_slug": person.b.agency.slug}))
    assert own.status_code == 200
    erased = client.get(reverse("home:agency", kwargs={"agency_slug": person.a.agency.slug}))
    assert erased.status_code == 404


def test_a_person_in_one_agency_loses_the_account(db: None, media: Path) -> None:
    side = make_agency_world("solo")
    user = side.candidate.user
    email = user.email
    erase_person(side.candidate, actor=side.admin.user)
    user.refresh_from_db()
    assert user.email != email
    assert email not in user.email
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.full_name == ""
    assert scan(email) == {}
    assert not Client().login(email=email, password=PASSWORD)


def test_erasing_twice_finds_nothing_the_second_time(person: Person) -> None:
    erase_person(person.a, actor=None)
    assert erase_rows(person.a, dry_run=True).total == 0
    assert erase_person(person.a, actor=None).total == 0


def test_the_last_admin_cannot_be_erased(db: None, media: Path) -> None:
    from springboard.lib.errors import DomainError

    side = make_agency_world("lonely")
    with pytest.raises(DomainError):
        erase_person(side.admin, actor=None)
    side.admin.refresh_from_db()
    assert side.admin.is_active


# --- requests ---------------------------------------------------------------------------------


def test_request_carried_out_records_counts_and_mails_the_person(
    person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    request = erasure_request_create(membership=person.a, actor=person.a.user)
    assert erasure_request_create(membership=person.a, actor=person.a.user) == request
    assert request.deadline == timezone.localdate() + datetime.timedelta(days=30)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_person(person.a, actor=person.admin_a.user, request=request)
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert request.handled_by == person.admin_a.user
    assert request.erased["rows"] == erasure.rows
    assert request.erased["files"] == 1
    assert scan(CANARY_A) == {}
    assert "Mette" not in str(request.erased)
    (message,) = mail.outbox
    assert message.to == [MAIL_A]
    assert "slettet" in message.subject, "in the person's language (Danish)"


def test_refused_request_keeps_the_data_and_tells_why(
    person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    _fill(person.a, CANARY_A, _rows_of(person.b))
    before = scan(CANARY_A)
    request = erasure_request_create(membership=person.a, actor=person.a.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_refuse(
            request=request,
            actor=person.admin_a.user,
            reason=RefusalReason.LEGAL_CLAIMS,
            text="",
        )
    request.refresh_from_db()
    assert request.status == ErasureStatus.REFUSED
    assert scan(CANARY_A) == before
    (message,) = mail.outbox
    assert message.to == [person.a.user.email]
    assert str(RefusalReason.LEGAL_CLAIMS.label) not in message.body, "Danish, not English"


def test_admin_pages_carry_out_a_request(person: Person) -> None:
    request = erasure_request_create(membership=person.a, actor=person.a.user)
    ErasureRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = Client()
    client.force_login(person.admin_a.user)
    slug = person.a.agency.slug
    listing = client.get(reverse("erasure:requests", kwargs={"agency_slug": slug}))
    assert b"table-danger" in listing.content, "overdue highlighted"
    detail_url = reverse(
        "erasure:request_detail", kwargs={"agency_slug": slug, "public_id": request.public_id}
    )
    assert client.get(detail_url).status_code == 200
    erase_url = reverse(
        "erasure:request_erase", kwargs={"agency_slug": slug, "public_id": request.public_id}
    )
    unconfirmed = client.post(erase_url, {})
    assert unconfirmed.status_code == 200
    request.refresh_from_db()
    assert request.status == ErasureStatus.OPEN
    assert client.post(erase_url, {"confirm": "on"}).status_code == 302
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    # A second submission changes nothing.
    client.post(erase_url, {"confirm": "on"})
    assert ErasureRequest.objects.get(pk=request.pk).handled_at == request.handled_at


def test_refusal_needs_a_reason(person: Person) -> None:
    request = erasure_request_create(membership=person.a, actor=person.a.user)
    client = Client()
    client.force_login(person.admin_a.user)
    url = reverse(
        "erasure:request_refuse",
        kwargs={"agency_slug": person.a.agency.slug, "public_id": request.public_id},
    )
    assert client.post(url, {"reason": "", "text": "no"}).status_code == 200
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureStatus.OPEN
    assert client.post(url, {"reason": "contract"}).status_code == 302
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureStatus.REFUSED


def test_candidate_asks_for_erasure(person: Person) -> None:
    client = Client()
    client.force_login(person.a.user)
    url = reverse("erasure:mine", kwargs={"agency_slug": person.a.agency.slug})
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 200
    assert not ErasureRequest.objects.exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    request = ErasureRequest.objects.get()
    assert request.membership == person.a
    assert request.status == ErasureStatus.OPEN
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert ErasureRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="erasure.request").count() == 1


# --- retention --------------------------------------------------------------------------------


def _close_programmes(membership: Membership, *, days_ago: int) -> None:
    """Close the person's programmes `days_ago` days ago (again: the closing moves)."""
    closed_at = timezone.now() - datetime.timedelta(days=days_ago)
    for programme in Programme.objects.filter(candidate=membership):
        change, _created = StatusChange.objects.get_or_create(
            programme=programme,
            to_status=ProgrammeStatus.CLOSED,
            defaults={"from_status": programme.status},
        )
        StatusChange.objects.filter(pk=change.pk).update(created_at=closed_at)
        Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)


def _summary(dry_run: bool) -> list[dict[str, Any]]:
    return [s.as_dict() for s in apply_retention(today=timezone.localdate(), dry_run=dry_run)]


def test_retention_dry_run_equals_the_real_run_and_a_second_run_does_nothing(
    person: Person,
) -> None:
    _close_programmes(person.a, days_ago=400)
    # Every kind is due after the agency's 300 days but CVs, kept 500: the competence profile
    # waits for them too, since deleting it would take the CV uploads with it.
    PrivacySettings.objects.create(
        agency=person.a.agency,
        alumni_months=6,
        retention_days={
            **{kind: 300 for kind in RetentionKind if kind != RetentionKind.AUDIT},
            RetentionKind.CVS: 500,
        },
    )
    old = AuditEvent.objects.create(agency=person.a.agency, action="profile.read")
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1900)
    )
    cvs_before = CvUpload.objects.filter(profile__membership=person.a).count()

    planned = _summary(dry_run=True)
    assert AuditEvent.objects.filter(pk=old.pk).exists(), "a dry run changes nothing"
    done = _summary(dry_run=False)
    assert planned == done
    demo = next(s for s in done if s["agency"] == DEMO_AGENCY_SLUG)
    assert demo["audit_events"] == 1
    assert demo["kinds"]["account"]["people"] == 1
    assert "cvs" not in demo["kinds"]
    assert "profile" not in demo["kinds"]
    assert demo["kinds"]["network"]["rows"] > 0
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    person.a.refresh_from_db()
    assert not person.a.is_active
    assert CvUpload.objects.filter(profile__membership=person.a).count() == cvs_before
    person.b.refresh_from_db()
    assert person.b.is_active

    again = _summary(dry_run=False)
    assert all(s["kinds"] == {} and s["audit_events"] == 0 for s in again)


def test_retention_waits_for_the_period_and_for_every_programme(person: Person) -> None:
    _close_programmes(person.a, days_ago=729)  # the default is 730 days
    assert all(s["kinds"].get("account") is None for s in _summary(dry_run=True))
    _close_programmes(person.a, days_ago=731)
    assert any(s["kinds"].get("account") for s in _summary(dry_run=True))
    # A new, running programme in the same agency: nothing is due.
    make_programme(
        AgencyWorld(
            agency=person.a.agency,
            admin=person.admin_a,
            coach=Membership.objects.filter(agency=person.a.agency, role=Role.COACH).first(),  # type: ignore[arg-type]
            coach2=person.admin_a,
            employer=person.contact_a.employer,  # type: ignore[arg-type]
            contact=person.contact_a,
            candidate=person.a,
            candidate2=person.a,
        )
    )
    assert all(s["kinds"].get("account") is None for s in _summary(dry_run=True))


def test_apply_retention_command(person: Person) -> None:
    _close_programmes(person.a, days_ago=800)
    out = StringIO()
    call_command("apply-retention", "--dry-run", stdout=out)
    assert f"{DEMO_AGENCY_SLUG}:" in out.getvalue()
    assert "Would erase account: 1 people" in (out.getvalue())
    person.a.refresh_from_db()
    assert person.a.is_active
    json_out = StringIO()
    call_command("apply-retention", "--json", stdout=json_out)
    assert '"dry_run": false' in json_out.getvalue()
    person.a.refresh_from_db()
    assert not person.a.is_active


# --- operators' command -----------------------------------------------------------------------


def test_erase_person_command(person: Person) -> None:
    """The operators' command; it answers the person's open request as well."""
    request = erasure_request_create(membership=person.a, actor=person.a.user)
    with pytest.raises(CommandError):
        call_command("erase-person", "--agency", "beta", "--email", "nobody@example.test")
    out = StringIO()
    call_command(
        "erase-person", "--agency", DEMO_AGENCY_SLUG, "--email", MAIL_A.upper(), "--yes", stdout=out
    )
    assert "Erased" in out.getvalue()
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert request.handled_by is None
    person.a.refresh_from_db()
    person.b.refresh_from_db()
    assert not person.a.is_active
    assert person.b.is_active


# --- settings ---------------------------------------------------------------------------------


def test_settings_page_validates_and_audits(person: Person) -> None:
    client = Client()
    client.force_login(person.admin_a.user)
    url = reverse("erasure:settings", kwargs={"agency_slug": person.a.agency.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert b'value="1825"' in page.content
    data = {"alumni_months": 12, **{f"days_{kind}": 730 for kind in RetentionKind}}
    too_short = client.post(url, {**data, "days_cvs": 100, "days_audit": 30})
    assert too_short.status_code == 200
    form = too_short.context["form"]
    assert set(form.errors) == {"days_cvs", "days_audit"}
    assert not PrivacySettings.objects.filter(agency=person.a.agency).exists()
    assert client.post(url, {**data, "days_wellbeing": 90}).status_code == 302
    saved = PrivacySettings.objects.get(agency=person.a.agency)
    assert saved.retention_days["wellbeing"] == 90
    assert saved.alumni_months == 12
    assert AuditEvent.objects.filter(action="privacy.settings_update").count() == 1
