"""The personal-data export: complete, nobody else's data, in the person's language, expiring.

A candidate of agency A gets records in every app, each carrying a canary; candidate2 of A and
the same person's membership in agency B get the same records with their own canaries, which must
never be found in any member of A's ZIP.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from springboard.assessments.models import Attempt, Comment, Instrument, InstrumentVersion
from springboard.coaching.models import BudgetEntry, Note, Session
from springboard.cvs.models import Cv, CvVersion, Letter, LetterVersion, Rendering
from springboard.jobs.models import Application
from springboard.lib.stored_files import save_private
from springboard.network.models import Contact, Interaction
from springboard.outcomes.models import Outcome
from springboard.privacy.declarations import declarations
from springboard.privacy.exports.builder import _Progress, write_export
from springboard.privacy.models import AuditEvent, Consent, ExportJob, ExportStatus
from springboard.privacy.services import audit_record
from springboard.profiles.models import CareerEntry, CvUpload, Profile
from springboard.programmes.models import Programme, WellbeingCheckIn
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import AgencyWorld, World, make_member, make_programme

MINE = "CANARY-MINE-7f3a"
PRIVATE = "CANARY-PRIVATE-NOTE-19c2"
OTHER_CANDIDATE = "CANARY-OTHER-CANDIDATE-55d1"
OTHER_AGENCY = "CANARY-OTHER-AGENCY-a0e4"
with translation.override("da"):
    COACH_DA = str(Role.COACH.label)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def fill(side: AgencyWorld, person: Membership, canary: str) -> Programme:
    """Records of `person` in every app, each carrying `canary`."""
    programme = make_programme(side, candidate=person)
    profile = Profile.objects.create(agency=side.agency, membership=person, job_sought=canary)
    CareerEntry.objects.create(
        profile=profile, employer=f"{canary} employer", title="Driver", start_year=2015
    )
    name = default_storage.save("private/cv/cv.pdf", ContentFile(f"%PDF-1.4 {canary}".encode()))
    CvUpload.objects.create(profile=profile, file=name, original_name="cv.pdf", size=20)
    instrument, _ = Instrument.objects.get_or_create(key="values", defaults={"kind": "values"})
    version, _ = InstrumentVersion.objects.get_or_create(
        instrument=instrument, number=1, defaults={"content": {"items": []}}
    )
    attempt = Attempt.objects.create(candidate=person, version=version, answers={"q1": canary})
    Comment.objects.create(attempt=attempt, author=side.coach, text=f"{canary} comment")
    cv = Cv.objects.create(agency=side.agency, candidate=person, title=f"{canary} CV")
    cv_version = CvVersion.objects.create(
        cv=cv, number=1, content={"summary": canary}, saved_by=person
    )
    Rendering.objects.create(
        version=cv_version,
        design="classic",
        language="en",
        pdf=save_private("cvs", f"%PDF-1.7 {canary}".encode(), extension="pdf"),
    )
    letter = Letter.objects.create(agency=side.agency, candidate=person, title=f"{canary} letter")
    LetterVersion.objects.create(letter=letter, number=1, content={"body": canary})
    Application.objects.create(
        owner=person, title="Planner", employer=f"{canary} A/S", status_changed_at=timezone.now()
    )
    contact = Contact.objects.create(owner=person, full_name=f"{canary} Contact")
    Interaction.objects.create(
        owner=person,
        contact=contact,
        date=datetime.date(2026, 2, 1),
        purpose="advice",
        outcome=canary,
    )
    session = Session.objects.create(
        agency=side.agency,
        programme=programme,
        coach=side.coach,
        starts_at=timezone.now(),
        duration_minutes=60,
        mode="in_person",
        status="booked",
        place=f"{canary} room",
    )
    Note.objects.create(
        programme=programme,
        session=session,
        author=side.coach,
        text=f"{canary} shared",
        shared_with_candidate=True,
    )
    consent = Consent.objects.create(
        agency=side.agency, membership=person, purpose="wellbeing", granted=True
    )
    WellbeingCheckIn.objects.create(
        programme=programme,
        consent=consent,
        week=datetime.date(2026, 2, 2),
        mood=3,
        energy=3,
        confidence=3,
        comment=canary,
    )
    BudgetEntry.objects.create(
        programme=programme, category="training", amount=100, description=canary
    )
    Outcome.objects.create(
        agency=side.agency,
        programme=programme,
        kind="new_job",
        employer_name=f"{canary} ApS",
        start_date=datetime.date(2026, 3, 2),
        contract="permanent",
        note=canary,
        source="staff",
        recorded_by=side.coach,
        recorded_at=timezone.now(),
    )
    # A coach read the profile: "who looked at my data".
    audit_record(agency=side.agency, actor=side.coach.user, action="profile.read", target=profile)
    return programme


@dataclass
class Scene:
    world: World
    me: Membership
    my_programme: Programme
    elsewhere: Membership


@pytest.fixture
def scene(world: World) -> Scene:
    me = world.a.candidate
    Membership.objects.filter(pk=me.pk).update(language="da", full_name="Mette Mine")
    me.refresh_from_db()
    programme = fill(world.a, me, MINE)
    Note.objects.create(programme=programme, author=world.a.coach, text=PRIVATE)
    Membership.objects.filter(pk=world.a.candidate2.pk).update(full_name=OTHER_CANDIDATE)
    fill(world.a, world.a.candidate2, OTHER_CANDIDATE)
    elsewhere = make_member(world.b.agency, Role.CANDIDATE, user=me.user)
    Membership.objects.filter(pk=elsewhere.pk).update(full_name=f"{OTHER_AGENCY} name")
    fill(world.b, elsewhere, OTHER_AGENCY)
    return Scene(world=world, me=me, my_programme=programme, elsewhere=elsewhere)


def export_bytes(membership: Membership) -> bytes:
    buffer = io.BytesIO()
    write_export(Membership.objects.select_related("agency", "user").get(pk=membership.pk), buffer)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def records(document: dict[str, Any], label: str) -> list[dict[str, Any]]:
    for group in document["models"]:
        if group["model"] == label:
            return list(group["records"])
    raise AssertionError(f"{label} not in {document['kind']}")


@pytest.mark.django_db
def test_export_has_every_kind_the_files_and_a_danish_readme(scene: Scene) -> None:
    content = members(export_bytes(scene.me))
    kinds = {d.export_as for d in declarations()}
    assert {f"{kind}.json" for kind in kinds} <= set(content)
    assert "README.txt" in content
    readme = content["README.txt"].decode()
    assert "Filer i dette arkiv" in readme  # Danish, the person's language
    for kind in kinds:
        assert f"{kind}.json:" in readme
    # Secrets and internal keys never leave: excluded fields are not written at all.
    account = json.loads(content["account.json"])
    user = records(account, "accounts.user")[0]
    assert "password" not in user
    assert "session_generation" not in user
    assert "id" not in user
    assert user["email"] == scene.me.user.email
    profile = json.loads(content["profile.json"])
    upload = records(profile, "profiles.cvupload")[0]
    assert upload["file"] in content
    assert MINE.encode() in content[upload["file"]]
    cvs = json.loads(content["cvs.json"])
    rendering = records(cvs, "cvs.rendering")[0]
    assert rendering["pdf"].endswith(".pdf")
    assert MINE.encode() in content[rendering["pdf"]]
    assert records(cvs, "cvs.cv")[0]["title"] == f"{MINE} CV"
    # Related objects by label: the coach by name and role, the person by their own name.
    comment = records(json.loads(content["assessments.json"]), "assessments.comment")[0]
    coach = scene.world.a.coach
    assert comment["author"] == f"{coach.full_name} ({COACH_DA})"
    assert records(profile, "profiles.profile")[0]["membership"] == "Mette Mine"
    # Every kind the person has records of carries their canary.
    for kind in ("profile", "assessments", "cvs", "letters", "applications", "network"):
        assert MINE.encode() in content[f"{kind}.json"], kind
    for kind in ("coaching", "wellbeing", "budget", "outcomes"):
        assert MINE.encode() in content[f"{kind}.json"], kind


@pytest.mark.django_db
def test_nobody_elses_data_is_in_the_zip(scene: Scene) -> None:
    content = members(export_bytes(scene.me))
    for name, data in content.items():
        for canary in (OTHER_CANDIDATE, OTHER_AGENCY, PRIVATE):
            assert canary.encode() not in data, f"{canary} in {name}"
        # No e-mail address of another person either (staff appear by name and role).
        for other in (scene.world.a.coach, scene.world.a.candidate2, scene.world.b.coach):
            assert other.user.email.encode() not in data, f"{other.user.email} in {name}"
    # The other export sees its own canary and not ours: the check can fail.
    theirs = members(export_bytes(scene.elsewhere))
    assert any(OTHER_AGENCY.encode() in data for data in theirs.values())
    assert not any(MINE.encode() in data for data in theirs.values())


@pytest.mark.django_db
def test_audit_json_says_who_looked_and_what(scene: Scene) -> None:
    audit = json.loads(members(export_bytes(scene.me))["audit.json"])
    coach = scene.world.a.coach
    looked = [e for e in audit["about_you"] if e["who"] == coach.full_name]
    assert looked
    assert looked[0]["role"] == COACH_DA
    assert looked[0]["what"]
    # Agency B's coach read B's profile of the same person: not this agency's business.
    assert scene.world.b.coach.full_name not in json.dumps(audit)


@pytest.mark.django_db
def test_many_records_stream_into_the_zip(scene: Scene, django_assert_max_num_queries: Any) -> None:
    Contact.objects.bulk_create(
        Contact(owner=scene.me, full_name=f"Contact {n}") for n in range(3000)
    )
    # Queries do not grow with the number of rows: one per model and chunk, not per row.
    with django_assert_max_num_queries(400):
        content = members(export_bytes(scene.me))
    network = json.loads(content["network.json"])
    assert len(records(network, "network.contact")) == 3001


def _login(client: Client, membership: Membership) -> None:
    client.force_login(membership.user)


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"exports:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


@pytest.mark.django_db
def test_candidate_exports_and_downloads_then_the_link_expires(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    _login(client, scene.me)
    assert client.get(_url("mine", world)).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_url("mine", world))
    job = ExportJob.objects.get(membership=scene.me)
    assert response.status_code == 302
    assert response["Location"] == _url("detail", world, export_id=job.public_id)
    assert job.status == ExportStatus.READY
    assert job.progress == 100
    assert str(job.file.name).startswith("private/exports/")
    assert job.expires_at is not None
    assert job.expires_at - job.finished_at == datetime.timedelta(days=7)  # type: ignore[operator]
    page = client.get(_url("detail", world, export_id=job.public_id))
    assert _url("download", world, export_id=job.public_id) in page.content.decode()
    # The htmx poll gets the state fragment only.
    fragment = client.get(_url("detail", world, export_id=job.public_id), HTTP_HX_REQUEST="true")
    assert b'id="export-state"' in fragment.content
    assert b"<html" not in fragment.content
    download = client.get(_url("download", world, export_id=job.public_id))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert "README.txt" in members(data)
    assert AuditEvent.objects.filter(action="export.download", actor=scene.me.user).exists()
    assert AuditEvent.objects.filter(action="export.request", actor=scene.me.user).exists()
    # Another candidate and a coach of the agency cannot see or take it.
    for other in (world.a.candidate2, world.a.coach, world.a.admin):
        _login(client, other)
        assert client.get(_url("download", world, export_id=job.public_id)).status_code == 404
    # Seven days later the link is dead and the daily purge removes the file.
    _login(client, scene.me)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert client.get(_url("download", world, export_id=job.public_id)).status_code == 410
    call_command("purge-exports", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED
    assert not job.file
    assert not default_storage.listdir("private/exports")[1]


@pytest.mark.django_db
def test_purge_keeps_exports_still_valid(scene: Scene) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        from springboard.privacy.exports.services import export_start

        job = export_start(membership=scene.me, requested_by=scene.me.user)
    out = io.StringIO()
    call_command("purge-exports", stdout=out)
    job.refresh_from_db()
    assert job.status == ExportStatus.READY
    assert default_storage.exists(str(job.file.name))
    assert "0" in out.getvalue()


@pytest.mark.django_db
def test_admin_exports_for_a_member_by_email(scene: Scene, client: Client) -> None:
    world = scene.world
    _login(client, world.a.admin)
    unknown = client.post(_url("members", world), {"email": world.b.coach.user.email})
    assert unknown.status_code == 200
    assert "Nobody with this e-mail address" in unknown.content.decode()
    assert not ExportJob.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_url("members", world), {"email": scene.me.user.email.upper()})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.membership == scene.me
    assert job.requested_by == world.a.admin.user
    assert AuditEvent.objects.filter(action="export.request_for_member").exists()
    # The admin follows its progress but never reads it: it holds what admins may not see.
    assert client.get(_url("detail", world, export_id=job.public_id)).status_code == 200
    assert client.get(_url("download", world, export_id=job.public_id)).status_code == 404
    listing = client.get(_url("members", world)).content.decode()
    assert str(job.public_id) in listing
    # The person it is about downloads it.
    _login(client, scene.me)
    assert client.get(_url("download", world, export_id=job.public_id)).status_code == 200


@pytest.mark.django_db
def test_admin_starts_from_the_members_page_and_twice_is_one_export(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    _login(client, world.a.admin)
    url = _url("member_start", world, membership_id=scene.me.public_id)
    # Queued, not yet built: the second press finds the first.
    client.post(url)
    client.post(url)
    assert ExportJob.objects.filter(membership=scene.me).count() == 1
    other_agency = _url("member_start", world, membership_id=scene.elsewhere.public_id)
    assert client.post(other_agency).status_code == 404


@pytest.mark.django_db
def test_export_person_command(scene: Scene, tmp_path: Path) -> None:
    output = tmp_path / "out.zip"
    out = io.StringIO()
    call_command(
        "export-person",
        "--agency",
        scene.world.a.agency.slug,
        "--email",
        scene.me.user.email,
        str(output),
        stdout=out,
    )
    content = members(output.read_bytes())
    assert "README.txt" in content
    assert "audit.json" in content
    assert not any(OTHER_AGENCY.encode() in data for data in content.values())
    assert "records" in out.getvalue()
    assert AuditEvent.objects.filter(action="export.operator").exists()
    for agency, email in (
        (scene.world.a.agency.slug, "nobody@example.test"),
        ("no-such-agency", scene.me.user.email),
        # A member of agency B only is unknown in agency A.
        (scene.world.a.agency.slug, scene.world.b.coach.user.email),
    ):
        missing = tmp_path / "missing.zip"
        with pytest.raises(CommandError):
            call_command("export-person", "--agency", agency, "--email", email, str(missing))
        assert not missing.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".zip") == ["out.zip"]


@pytest.mark.django_db
def test_a_failing_build_marks_the_export_failed(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    from springboard.privacy.exports import services

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "write_export", broken)
    # The task backend records the error; the export must not stay "being built".
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.export_start(membership=scene.me, requested_by=scene.me.user)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED
    assert not job.file


def test_progress_grows_and_stops_short_of_done_until_stored() -> None:
    seen: list[int] = []
    ticker = _Progress(200, seen.append)
    for _ in range(200):
        ticker.step()
    assert seen == sorted(set(seen))
    assert seen[0] == 1
    assert seen[-1] == 99
    quiet = _Progress(0, None)  # nothing to export: no division by zero
    quiet.step()
