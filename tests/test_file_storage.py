"""Files through Django's storage API (issue 20): with FILE_STORAGE=s3 against a local S3 (moto's
server on a free port of this machine, no network), uploads and generated files round-trip through
the bucket, every download is a view with an access check that streams from it, and deleting or
erasing a row removes its object. The migration moving database bytes into storage goes both
ways. Nothing has a public address: no media route, no web-server location, no `.url` use."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from springboard.coaching.models import CoachProfile
from springboard.coaching.services import material_add, profile_save
from springboard.cvs import services as cv_services
from springboard.cvs.content import empty_content
from springboard.cvs.models import Rendering
from springboard.employers.models import EnrolmentImport, ImportStatus
from springboard.lib.stored_files import read_stored, save_private
from springboard.network.models import ContactImport
from springboard.network.services import contact_import_apply, contact_import_receive
from springboard.privacy.erasure.engine import erase_rows
from springboard.privacy.models import ExportJob, ExportStatus
from springboard.profiles.models import CvStatus, CvUpload
from tests.employer_fixtures import checked_import, csv_bytes, person_row, run_import
from tests.factories import World
from tests.matrix_coaching import make_workshop
from tests.test_cvs_pages import _create, _profile
from tests.test_security_headers import ROOT, _production_env

REGION = "eu-north-1"
CV_TEXT = b"Kari Nordmann\nLagerleder\nErfaring: Nordlager AS 2019-2024\nFerdigheter: Truckkort\n"
CONTACTS = b"First Name,Last Name,Company\nAda,Canary,Canary Ltd\n"
# Where the previous migrations left each model, and the model's replaced binary fields.
BEFORE = [
    ("employers", "0012_remove_enrolment_employer_may_see_status"),
    ("cvs", "0002_rendering"),
    ("network", "0003_delete_networkshare"),
    ("coaching", "0002_seat_budget_entry"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _settings_in_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'default': s.STORAGES['default'], 'media': str(s.MEDIA_ROOT), "
        "'static': str(s.STATIC_ROOT), 'media_url': s.MEDIA_URL}))"
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_production_env(), **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def s3_storage(s3_endpoint: str) -> dict[str, Any]:
    """STORAGES["default"] exactly as config/settings.py builds it from the S3 variables."""
    result = _settings_in_process(
        {
            "FILE_STORAGE": "s3",
            "S3_BUCKET": "springboard-files",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": "test-key",
            "S3_SECRET_ACCESS_KEY": "test-secret",
        }
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1])["default"])


@dataclass
class Bucket:
    client: Any
    name: str

    def objects(self, prefix: str = "") -> dict[str, bytes]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix).get("Contents", [])
        return {
            o["Key"]: self.client.get_object(Bucket=self.name, Key=o["Key"])["Body"].read()
            for o in listed
        }


@pytest.fixture
def bucket(s3_storage: dict[str, Any], settings: Any) -> Bucket:
    """A fresh bucket per test, and the default storage pointed at it."""
    options = s3_storage["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    name = f"springboard-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**s3_storage, "OPTIONS": {**options, "bucket_name": name}},
    }
    return Bucket(client, name)


def _photo() -> SimpleUploadedFile:
    raw = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 40)).save(raw, "PNG")
    return SimpleUploadedFile("me.png", raw.getvalue(), content_type="image/png")


def key(file: Any) -> str:
    """A stored file's name: its key in the bucket."""
    return str(file.name)


def _streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- settings and addresses -------------------------------------------------------------------


def test_settings_build_a_private_s3_storage_from_the_environment(
    s3_storage: dict[str, Any], s3_endpoint: str
) -> None:
    assert s3_storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3_storage["OPTIONS"]
    assert options["bucket_name"] == "springboard-files"
    assert options["endpoint_url"] == s3_endpoint
    assert options["region_name"] == REGION
    assert (options["access_key"], options["secret_key"]) == ("test-key", "test-secret")
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["custom_domain"] is None


def test_local_folder_by_default_and_s3_without_a_bucket_refused(tmp_path: Path) -> None:
    local = _settings_in_process({"MEDIA_ROOT": str(tmp_path / "media")})
    assert local.returncode == 0, local.stderr
    chosen = json.loads(local.stdout.strip().splitlines()[-1])
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["media"] == str(tmp_path / "media")
    assert not chosen["media"].startswith(chosen["static"])
    missing = _settings_in_process({"FILE_STORAGE": "s3"})
    assert missing.returncode != 0
    assert "S3_BUCKET" in missing.stderr
    unknown = _settings_in_process({"FILE_STORAGE": "ftp"})
    assert unknown.returncode != 0
    assert "FILE_STORAGE" in unknown.stderr


@pytest.mark.django_db
def test_no_file_has_an_address(client: Client) -> None:
    for path in ("/media/private/cv/anything.pdf", "/private/cv/anything.pdf"):
        assert client.get(path).status_code == 404
    nginx = (ROOT / "deploy" / "nginx" / "springboard.conf").read_text()
    assert "media" not in nginx.lower()
    assert "alias" not in nginx
    # No code hands out a storage address (an S3 URL, even a signed one, skips the access check).
    field_url = re.compile(r"\.(file|content|pdf|docx|photo)\.url\b|default_storage\.url\(")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "springboard").rglob("*")
        if path.suffix in {".py", ".html"} and field_url.search(path.read_text(errors="replace"))
    ]
    assert offenders == []


# --- round trips through the bucket -----------------------------------------------------------


def test_cv_upload_is_read_from_the_bucket_and_deleted_with_its_row(
    world: World, client: Client, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.a.candidate.user)
    url = reverse("profiles:cv_upload", kwargs={"agency_slug": world.a.agency.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("kari.txt", CV_TEXT)})
    assert response.status_code == 302
    upload = CvUpload.objects.get()
    assert upload.state == CvStatus.DONE  # the reading task read it back from the bucket
    assert bucket.objects() == {key(upload.file): CV_TEXT}
    assert re.fullmatch(r"private/cv/[0-9a-f]{32}", key(upload.file))
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key(upload.file))["Grants"]
    assert all("URI" not in g["Grantee"] for g in grants)  # no AllUsers / AuthenticatedUsers
    detail = reverse(
        "profiles:cv_detail",
        kwargs={"agency_slug": world.a.agency.slug, "upload_id": upload.public_id},
    )
    client.force_login(world.a.candidate2.user)
    assert client.get(detail).status_code == 404
    client.force_login(world.a.candidate.user)
    delete = reverse(
        "profiles:cv_delete",
        kwargs={"agency_slug": world.a.agency.slug, "upload_id": upload.public_id},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete).status_code == 302
    assert bucket.objects() == {}


def test_rendered_cv_is_streamed_from_the_bucket_to_who_may_read_it(
    world: World, client: Client, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    _profile(world)
    client.force_login(world.a.candidate.user)
    with django_capture_on_commit_callbacks(execute=True):
        cv = _create(world, client)
    version = cv.versions.get()
    rendering = Rendering.objects.get(version=version)
    stored = bucket.objects("private/cvs/")
    assert set(stored) == {key(rendering.pdf), key(rendering.docx)}
    assert key(rendering.pdf).endswith(".pdf")
    assert key(rendering.docx).endswith(".docx")
    assert stored[key(rendering.pdf)].startswith(b"%PDF")
    url = reverse(
        "cvs:download",
        kwargs={
            "agency_slug": world.a.agency.slug,
            "version_id": version.public_id,
            "file_format": "pdf",
        },
    )
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Lager-CV-v1.pdf"' in download["Content-Disposition"]
    assert _streamed(download) == stored[key(rendering.pdf)]
    for other in (world.a.candidate2, world.b.candidate):
        client.force_login(other.user)
        assert client.get(url).status_code == 404
    # A new design renders again: the replaced files leave the bucket.
    with django_capture_on_commit_callbacks(execute=True):
        cv_services.cv_settings_update(
            cv=cv, title=cv.title, language="nb", design="compact", target_role=""
        )
    rendering.refresh_from_db()
    assert set(bucket.objects("private/cvs/")) == {key(rendering.pdf), key(rendering.docx)}
    assert set(stored).isdisjoint(bucket.objects("private/cvs/"))
    # A file lost from the bucket is rendered afresh, not a server error.
    bucket.client.delete_object(Bucket=bucket.name, Key=key(rendering.pdf))
    client.force_login(world.a.candidate.user)
    again = client.get(url)
    assert again.status_code == 200
    assert again.content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        cv_services.cv_delete(cv=cv)
    assert bucket.objects("private/cvs/") == {}


def test_enrolment_import_reads_its_file_from_the_bucket(
    world: World, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    content = csv_bytes([person_row(n) for n in range(3)])
    upload = checked_import(world, content, django_capture_on_commit_callbacks)
    assert upload.status == ImportStatus.VALIDATED
    assert bucket.objects() == {key(upload.content): content}
    assert re.fullmatch(r"private/imports/[0-9a-f]{32}\.csv", key(upload.content))
    done = run_import(world, upload, django_capture_on_commit_callbacks)
    assert done.status == ImportStatus.DONE
    assert done.summary["created"] == 3
    # However the row goes (here a queryset delete, as cleanups do), its file goes too.
    with django_capture_on_commit_callbacks(execute=True):
        EnrolmentImport.objects.filter(pk=upload.pk).delete()
    assert not EnrolmentImport.objects.exists()
    assert bucket.objects() == {}


def test_coach_photo_is_streamed_from_the_bucket_and_replaced_cleanly(
    world: World, client: Client, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    coach = world.a.coach
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_save(coach=coach, actor=coach, fields={}, photo=_photo())
    first = key(profile.photo)
    assert re.fullmatch(r"private/coaches/[0-9a-f]{32}\.jpg", first)
    stored = bucket.objects()
    assert set(stored) == {first}
    assert stored[first].startswith(b"\xff\xd8\xff")  # re-encoded as JPEG, not the PNG sent
    url = reverse(
        "coaching:coach_photo",
        kwargs={"agency_slug": world.a.agency.slug, "coach_id": coach.public_id},
    )
    client.force_login(world.a.candidate.user)
    photo = client.get(url)
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert _streamed(photo) == stored[first]
    client.force_login(world.a.contact.user)
    assert client.get(url).status_code == 403  # an employer's contact sees no coach
    client.force_login(world.b.candidate.user)
    assert client.get(url).status_code == 404  # another agency's candidate
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_save(coach=coach, actor=coach, fields={}, photo=_photo())
    assert set(bucket.objects()) == {key(profile.photo)} != {first}
    with django_capture_on_commit_callbacks(execute=True):
        profile_save(coach=coach, actor=coach, fields={}, remove_photo=True)
    assert bucket.objects() == {}
    assert not CoachProfile.objects.get(coach=coach).photo
    client.force_login(world.a.candidate.user)
    assert client.get(url).status_code == 404


def test_workshop_material_goes_with_its_workshop(
    world: World, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    date = make_workshop(world.a)
    material = material_add(
        workshop=date.workshop,
        actor=world.a.admin,
        name="Slides",
        upload=SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides"),
    )
    assert bucket.objects() == {key(material.file): b"%PDF-1.4 slides"}
    with django_capture_on_commit_callbacks(execute=True):
        date.workshop.delete()
    assert bucket.objects() == {}


def test_export_zip_carries_the_bucket_files_and_erasure_empties_it(
    world: World, client: Client, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    me = world.a.candidate
    _profile(world)
    client.force_login(me.user)
    with django_capture_on_commit_callbacks(execute=True):
        cv = _create(world, client)
        client.post(
            reverse("profiles:cv_upload", kwargs={"agency_slug": world.a.agency.slug}),
            {"file": SimpleUploadedFile("kari.txt", CV_TEXT)},
        )
        contact_import_receive(owner=me, file_name="Connections.csv", content=CONTACTS)
    rendering = Rendering.objects.get(version__cv=cv)
    exports = reverse("exports:mine", kwargs={"agency_slug": world.a.agency.slug})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(exports).status_code == 302
    job = ExportJob.objects.get(membership=me)
    assert job.status == ExportStatus.READY
    assert key(job.file) in bucket.objects("private/exports/")
    download = reverse(
        "exports:download",
        kwargs={"agency_slug": world.a.agency.slug, "export_id": job.public_id},
    )
    data = _streamed(client.get(download))
    assert data == bucket.objects("private/exports/")[key(job.file)]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = [archive.read(name) for name in archive.namelist()]
    assert CV_TEXT in contents
    assert CONTACTS in contents
    assert read_stored(rendering.pdf) in contents
    for other in (world.a.candidate2, world.a.coach):
        client.force_login(other.user)
        assert client.get(download).status_code == 404
    # Erasure removes every file of the person from the bucket once it commits.
    assert bucket.objects("private/cv/")
    assert bucket.objects("private/contacts/")
    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_rows(me, dry_run=False)
    assert len(erasure.files) >= 5  # CV upload, two renders, contact file, export
    assert bucket.objects() == {}


def test_applied_contact_import_drops_its_file(
    world: World, bucket: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    me = world.a.candidate
    with django_capture_on_commit_callbacks(execute=True):
        upload, _plan = contact_import_receive(
            owner=me, file_name="Connections.csv", content=CONTACTS
        )
    assert bucket.objects() == {key(upload.content): CONTACTS}
    with django_capture_on_commit_callbacks(execute=True):
        result = contact_import_apply(upload=upload, actor=me)
    assert result.created == 1
    assert not ContactImport.objects.get(pk=upload.pk).content
    assert bucket.objects() == {}


# --- the migration ----------------------------------------------------------------------------


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def migrated_back() -> Iterator[None]:
    """Brought back to today's schema after the test whatever happens."""
    try:
        yield
    finally:
        _migrate(list(MigrationExecutor(connection).loader.graph.leaf_nodes()))


@pytest.mark.django_db(transaction=True)
def test_migrations_move_the_bytes_into_storage_and_back(
    world: World, bucket: Bucket, migrated_back: None, django_capture_on_commit_callbacks: Any
) -> None:
    me = world.a.candidate
    upload = checked_import(world, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    hr_file = read_stored(upload.content)
    contacts, _plan = contact_import_receive(owner=me, file_name="c.vcf", content=b"BEGIN:VCARD")
    profile = profile_save(coach=world.a.coach, actor=world.a.coach, fields={}, photo=_photo())
    jpeg = read_stored(profile.photo)
    version = cv_services.cv_create(
        candidate=me,
        saved_by=me,
        title="CV",
        language="en",
        design="classic",
        content=empty_content(),
    ).versions.get()
    Rendering.objects.filter(version=version).delete()
    Rendering.objects.create(
        version=version,
        design="classic",
        language="en",
        pdf=save_private("cvs", b"%PDF-1.7 old", extension="pdf"),
        docx=save_private("cvs", b"PK\x03\x04 old", extension="docx"),
    )
    assert len(bucket.objects()) == 5

    # Back: the bytes return to the database and the stored files go.
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    assert bytes(old.get_model("employers", "EnrolmentImport").objects.get().content) == hr_file
    assert bytes(old.get_model("network", "ContactImport").objects.get().content) == b"BEGIN:VCARD"
    assert bytes(old.get_model("coaching", "CoachProfile").objects.get().photo) == jpeg
    old_rendering = old.get_model("cvs", "Rendering").objects.get()
    assert (bytes(old_rendering.pdf), bytes(old_rendering.docx)) == (
        b"%PDF-1.7 old",
        b"PK\x03\x04 old",
    )
    assert bucket.objects() == {}

    # Forward: each value becomes a file under its private prefix, with its bytes.
    _migrate(list(MigrationExecutor(connection).loader.graph.leaf_nodes()))
    stored = bucket.objects()
    upload = EnrolmentImport.objects.get()
    rendering = Rendering.objects.get()
    photo = CoachProfile.objects.get().photo
    contact_file = ContactImport.objects.get(pk=contacts.pk).content
    assert stored == {
        key(upload.content): hr_file,
        key(contact_file): b"BEGIN:VCARD",
        key(photo): jpeg,
        key(rendering.pdf): b"%PDF-1.7 old",
        key(rendering.docx): b"PK\x03\x04 old",
    }
    assert key(upload.content).startswith("private/imports/")
    assert key(upload.content).endswith(".csv")
    assert key(contact_file).startswith("private/contacts/")
    assert key(contact_file).endswith(".vcf")
    assert key(photo).startswith("private/coaches/")
    assert key(photo).endswith(".jpg")
    assert key(rendering.docx).startswith("private/cvs/")
    assert key(rendering.docx).endswith(".docx")
    assert default_storage.exists(key(rendering.pdf))
