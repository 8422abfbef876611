"""CV upload: a real DOCX read by the task, suggestions decided one by one, bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from springboard.profiles.models import (
    CareerEntry,
    CvStatus,
    CvSuggestion,
    CvUpload,
    ProfileSkill,
    SuggestionState,
)
from springboard.programmes.models import PlanItem
from springboard.programmes.services import intake_complete
from springboard.taxonomy import engine_cache
from tests.factories import World, make_programme
from tests.test_profiles_services import ESCO, make_skills
from tests.test_programmes_templates import answers

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


CV = docx(
    "Jens Hansen, warehouse manager",
    "Experience",
    "2015-2024 Warehouse manager, Nordlager A/S",
    "I operate forklift trucks, do stock control and project management.",
    "03/2010 - 12/2014 Forklift driver, Lagerhuset ApS",
)


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    engine_cache.clear()


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"profiles:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _upload(client: Client, world: World, name: str, content: bytes) -> CvUpload:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            _url("cv_upload", world), {"file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code == 302, response.content
    upload = CvUpload.objects.order_by("-pk").first()
    assert upload is not None
    return upload


def test_docx_upload_suggests_skills_and_the_candidate_decides_each(
    world: World, client: Client
) -> None:
    make_skills()
    programme = intake_complete(
        programme=make_programme(world.a), actor=world.a.coach, answers=answers(), language="en"
    )
    # No shipped template opens the CV upload yet; an agency's own task would.
    PlanItem.objects.filter(programme=programme, tool="skills").update(tool="cv-upload")
    cv_tasks = PlanItem.objects.filter(programme=programme, tool="cv-upload")
    assert cv_tasks.exists()
    client.force_login(world.a.candidate.user)
    upload = _upload(client, world, "cv.docx", CV)
    upload.refresh_from_db()
    assert upload.state == CvStatus.DONE, upload.message
    assert upload.progress_percent == 100
    # Stored privately under a random name, never under the candidate's file name.
    stored = upload.file.name or ""
    assert stored.startswith("private/cv/")
    assert "cv.docx" not in stored
    found = {s.key: s for s in upload.suggestions.filter(kind="skill")}
    assert {ESCO + "forklift", ESCO + "stock", ESCO + "project-management"} <= set(found)
    assert not ProfileSkill.objects.exists()  # nothing added silently
    page = client.get(_url("cv_detail", world, upload_id=upload.public_id))
    assert "operate forklift" in page.text
    for key, decision in (
        (ESCO + "forklift", "accept"),
        (ESCO + "stock", "accept"),
        (ESCO + "project-management", "reject"),
    ):
        response = client.post(
            _url(
                "cv_decide",
                world,
                upload_id=upload.public_id,
                suggestion_id=found[key].public_id,
            ),
            {"decision": decision},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
    assert set(ProfileSkill.objects.values_list("skill__uri", flat=True)) == {
        ESCO + "forklift",
        ESCO + "stock",
    }
    jobs = {s.data["title"]: s for s in upload.suggestions.filter(kind="career")}
    assert set(jobs) == {"Warehouse manager", "Forklift driver"}
    for title, decision in (("Forklift driver", "accept"), ("Warehouse manager", "reject")):
        client.post(
            _url(
                "cv_decide", world, upload_id=upload.public_id, suggestion_id=jobs[title].public_id
            ),
            {"decision": decision},
        )
    # Every suggestion decided: the plan's CV task is done.
    assert not cv_tasks.filter(done_at__isnull=True).exists()
    job = CareerEntry.objects.get()
    assert (job.title, job.employer, job.start_label, job.end_label) == (
        "Forklift driver",
        "Lagerhuset ApS",
        "2010-03",
        "2014-12",
    )
    # Reading again keeps the decisions; a new upload of the same CV keeps the rejection.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(_url("cv_reparse", world, upload_id=upload.public_id))
    second = _upload(client, world, "cv-again.docx", CV)
    rejected = CvSuggestion.objects.get(upload=second, key=ESCO + "project-management")
    assert rejected.state == SuggestionState.REJECTED
    assert not CvSuggestion.objects.filter(upload=second, key=ESCO + "forklift").exists()
    assert (
        CvSuggestion.objects.get(
            upload=second, kind="career", data__title="Warehouse manager"
        ).state
        == SuggestionState.REJECTED
    )
    assert not CvSuggestion.objects.filter(upload=second, data__title="Forklift driver").exists()
    assert (
        CvSuggestion.objects.get(upload=upload, key=ESCO + "project-management").state
        == SuggestionState.REJECTED
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("cv.docx", b"PK\x03\x04 not really a zip"),
        ("cv.txt", b"\x00\x01\x02binary"),
        ("cv.docx", docx("x").replace(b"word/document.xml", b"word/docu_ent.xml")),
    ],
)
def test_bad_files_fail_with_a_message_and_no_500(
    world: World, client: Client, name: str, content: bytes
) -> None:
    client.force_login(world.a.candidate.user)
    upload = _upload(client, world, name, content)
    upload.refresh_from_db()
    assert upload.state == CvStatus.FAILED
    assert upload.message
    page = client.get(_url("cv_detail", world, upload_id=upload.public_id))
    assert page.status_code == 200
    assert upload.message.split(".")[0][:30] in page.text.replace("&#x27;", "'")


def test_empty_and_oversized_files_are_refused_before_reading(
    world: World, client: Client, settings: pytest.FixtureRequest
) -> None:
    client.force_login(world.a.candidate.user)
    response = client.post(_url("cv_upload", world), {"file": SimpleUploadedFile("cv.txt", b"")})
    assert response.status_code == 200
    assert not CvUpload.objects.exists()
    big = SimpleUploadedFile("cv.txt", b"a" * (10 * 1024 * 1024 + 1))
    response = client.post(_url("cv_upload", world), {"file": big})
    assert response.status_code == 200
    assert "larger than 10 MB" in response.text
    assert not CvUpload.objects.exists()


def test_deleting_an_upload_or_the_membership_removes_the_file(
    world: World, client: Client
) -> None:
    client.force_login(world.a.candidate.user)
    first = _upload(client, world, "cv.txt", b"Stock control.\n")
    second = _upload(client, world, "cv2.txt", b"Stock control.\n")
    names = [first.file.name or "", second.file.name or ""]
    assert all(default_storage.exists(name) for name in names)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_url("cv_delete", world, upload_id=first.public_id))
    assert response.status_code == 302
    assert not default_storage.exists(names[0])
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.a.candidate.delete()
    assert not default_storage.exists(names[1])


def test_another_candidates_upload_is_404(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    upload = _upload(client, world, "cv.txt", b"Warehouse work and stock control.\n")
    client.force_login(world.a.candidate2.user)
    assert client.get(_url("cv_detail", world, upload_id=upload.public_id)).status_code == 404
    assert client.post(_url("cv_delete", world, upload_id=upload.public_id)).status_code == 404
    assert CvUpload.objects.filter(pk=upload.pk).exists()
