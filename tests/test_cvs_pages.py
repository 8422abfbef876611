"""Pages of CVs and letters: build from the profile, reorder, save versions, conflicts,
downloads, comments, access and audit."""

from __future__ import annotations

import io
from typing import Any

import docx
import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from springboard.cvs import services
from springboard.cvs.models import (
    Cv,
    CvVersion,
    Letter,
    LetterVersion,
    Rendering,
    VersionComment,
)
from springboard.cvs.selectors import versions_for
from springboard.lib.stored_files import read_stored, save_private
from springboard.privacy.models import AuditEvent
from springboard.profiles.models import CareerEntry, Education
from springboard.profiles.services import profile_ensure
from tests.factories import World, make_programme


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"cvs:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _profile(world: World) -> None:
    profile = profile_ensure(world.a.candidate)
    CareerEntry.objects.create(
        profile=profile,
        employer="Nordlager AS",
        title="Lagerleder",
        start_year=2019,
        start_month=3,
        description="Ansvar for tolv ansatte på Ærø.",
    )
    CareerEntry.objects.create(
        profile=profile,
        employer="Fjordfrakt",
        title="Lagermedarbeider",
        start_year=2012,
        end_year=2019,
    )
    Education.objects.create(profile=profile, title="Bachelor i logistikk", institution="BI")


def _create(world: World, client: Client, language: str = "nb") -> Cv:
    response = client.get(_url("create", world))
    assert response.status_code == 200
    picks = [choice[0] for choice in response.context["form"].fields["picks"].choices]
    response = client.post(
        _url("create", world),
        {
            "title": "Lager-CV",
            "target_role": "Lagerleder",
            "language": language,
            "design": "modern",
            "picks": picks,
        },
    )
    assert response.status_code == 302, response.content
    return Cv.objects.get()


def _editor_post(response: Any) -> dict[str, Any]:
    """The editor's fields as the browser would post them (inputs and textareas)."""
    form = response.context
    data: dict[str, Any] = {
        "base_number": str(form["base_number"]),
        "title": form["cv"].title,
        "target_role": form["cv"].target_role,
        "language": form["cv"].language,
        "design": form["cv"].design,
        "save": "1",
    }
    for name, value in form["basics"].items():
        data[f"basics-{name}"] = value
    for s, section in enumerate(form["sections"]):
        data[f"section-{s}-kind"] = section["kind"]
        data[f"section-{s}-order"] = str(s + 1)
        data[f"s{s}-count"] = str(len(section["items"]))
        for p, item in enumerate(section["items"]):
            for field in ("title", "organisation", "location", "start", "end", "text"):
                data[f"s{s}-{p}-{field}"] = item.get(field, "")
            data[f"s{s}-{p}-highlights"] = item["highlights_text"]
            data[f"s{s}-{p}-order"] = str(p + 1)
    return data


def test_candidate_builds_reorders_and_versions_a_norwegian_cv(
    world: World, client: Client
) -> None:
    _profile(world)
    client.force_login(world.a.candidate.user)
    cv = _create(world, client)
    first = CvVersion.objects.get(cv=cv)
    work = first.content["sections"][0]
    assert work["kind"] == "work"
    assert [item["title"] for item in work["items"]] == ["Lagerleder", "Lagermedarbeider"]

    editor = client.get(_url("edit", world, cv_id=cv.public_id))
    assert editor.status_code == 200
    data = _editor_post(editor)
    # Move the older job up with the button: the editor comes back reordered, nothing saved.
    moved = client.post(
        _url("edit", world, cv_id=cv.public_id), {**data, "move": "s0-1-up", "save": ""}
    )
    assert moved.status_code == 200
    assert CvVersion.objects.filter(cv=cv).count() == 1
    titles = [item.get("title") for item in moved.context["sections"][0]["items"]]
    assert titles[:2] == ["Lagermedarbeider", "Lagerleder"]
    data = _editor_post(moved)
    data["basics-summary"] = "Erfaren lagerleder med øye for orden."
    saved = client.post(_url("edit", world, cv_id=cv.public_id), data)
    assert saved.status_code == 302, saved.content
    second = CvVersion.objects.get(cv=cv, number=2)
    assert [i["title"] for i in second.content["sections"][0]["items"]][:2] == [
        "Lagermedarbeider",
        "Lagerleder",
    ]
    # Version 1 is immutable.
    first.refresh_from_db()
    assert next(i["title"] for i in first.content["sections"][0]["items"]) == "Lagerleder"

    page = client.get(_url("detail", world, cv_id=cv.public_id))
    assert page.status_code == 200
    assert "Erfaren lagerleder" in page.text
    old = client.get(_url("detail", world, cv_id=cv.public_id) + "?v=1")
    assert "Erfaren lagerleder" not in old.text
    assert {row.number for row in versions_for(world.a.candidate)} == {1, 2}


def test_downloads_are_attachments_with_the_content(world: World, client: Client) -> None:
    _profile(world)
    client.force_login(world.a.candidate.user)
    cv = _create(world, client)
    version = cv.versions.get()
    pdf = client.get(_url("download", world, version_id=version.public_id, file_format="pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert 'filename="Lager-CV-v1.pdf"' in pdf["Content-Disposition"]
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ansvar for tolv ansatte på Ærø." in text
    assert "Nordlager AS" in text
    word = client.get(_url("download", world, version_id=version.public_id, file_format="docx"))
    assert word.status_code == 200
    paragraphs = " ".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "Ansvar for tolv ansatte på Ærø." in paragraphs
    assert (
        client.get(
            _url("download", world, version_id=version.public_id, file_format="exe")
        ).status_code
        == 404
    )
    # The candidate's own downloads are not staff reads.
    assert not AuditEvent.objects.filter(action__startswith="cv.").exists()


def test_concurrent_edits_conflict_and_keep_both_texts(world: World, client: Client) -> None:
    _profile(world)
    client.force_login(world.a.candidate.user)
    cv = _create(world, client)
    editor = client.get(_url("edit", world, cv_id=cv.public_id))
    tab_one = _editor_post(editor)
    tab_two = _editor_post(editor)
    tab_one["basics-summary"] = "Text from the first tab"
    tab_two["basics-summary"] = "Text from the second tab"
    assert client.post(_url("edit", world, cv_id=cv.public_id), tab_one).status_code == 302
    conflict = client.post(_url("edit", world, cv_id=cv.public_id), tab_two)
    assert conflict.status_code == 409
    assert "Text from the first tab" in conflict.text  # theirs, in the preview
    assert "Text from the second tab" in conflict.text  # ours, still in the editor
    assert CvVersion.objects.filter(cv=cv).count() == 2
    # Saving again over the newer version is a deliberate choice and goes through.
    again = _editor_post(conflict)
    assert again["base_number"] == "2"
    assert client.post(_url("edit", world, cv_id=cv.public_id), again).status_code == 302
    assert cv.versions.get(number=3).content["basics"]["summary"] == "Text from the second tab"


def test_coach_reads_audited_and_comments_beside_the_text(world: World, client: Client) -> None:
    _profile(world)
    make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    client.force_login(world.a.candidate.user)
    cv = _create(world, client)
    version = cv.versions.get()
    client.force_login(world.a.coach.user)
    page = client.get(_url("detail", world, cv_id=cv.public_id))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="cv.read", target_id=str(cv.public_id)).exists()
    assert client.get(_url("edit", world, cv_id=cv.public_id)).status_code == 403
    response = client.post(
        _url("comment", world, version_id=version.public_id), {"text": "Tallfest resultatene!"}
    )
    assert response.status_code == 302
    assert VersionComment.objects.get().author == world.a.coach
    pdf = client.get(_url("download", world, version_id=version.public_id, file_format="pdf"))
    assert pdf.status_code == 200
    assert AuditEvent.objects.filter(action="cv.download").count() == 1
    client.force_login(world.a.candidate.user)
    assert "Tallfest resultatene!" in client.get(_url("detail", world, cv_id=cv.public_id)).text
    # Another coach and the admin never see it.
    client.force_login(world.a.coach2.user)
    assert client.get(_url("detail", world, cv_id=cv.public_id)).status_code == 404
    client.force_login(world.a.admin.user)
    assert client.get(_url("detail", world, cv_id=cv.public_id)).status_code == 404


def test_letters_version_and_render(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    response = client.post(
        _url("letter_create", world),
        {
            "title": "Søknad Nordlager",
            "language": "da",
            "recipient": "Nordlager A/S\nHavnegade 1",
            "subject": "Ansøgning som lagerchef",
            "body": "Kære Åse\n\nJeg søger stillingen som lagerchef.",
        },
    )
    assert response.status_code == 302, response.content
    letter = Letter.objects.get()
    version = LetterVersion.objects.get()
    page = client.get(_url("letter_detail", world, letter_id=letter.public_id))
    assert "Jeg søger stillingen som lagerchef." in page.text
    pdf = client.get(
        _url("letter_download", world, version_id=version.public_id, file_format="pdf")
    )
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ansøgning som lagerchef" in text
    assert "Soknad-Nordlager-v1.pdf" in pdf["Content-Disposition"]
    edit = client.post(
        _url("letter_edit", world, letter_id=letter.public_id),
        {
            "title": "Søknad Nordlager",
            "language": "da",
            "subject": "Ansøgning",
            "body": "Ny tekst",
            "base_number": "1",
        },
    )
    assert edit.status_code == 302
    stale = client.post(
        _url("letter_edit", world, letter_id=letter.public_id),
        {"title": "x", "language": "da", "body": "Gammel fane", "base_number": "1"},
    )
    assert stale.status_code == 409
    assert "Gammel fane" in stale.text
    assert "Ny tekst" in stale.text


@pytest.mark.parametrize("name", ["list", "create", "json_import", "linkedin", "letter_create"])
def test_candidate_pages_render_empty(world: World, client: Client, name: str) -> None:
    client.force_login(world.a.candidate.user)
    assert client.get(_url(name, world)).status_code == 200


def test_versions_render_in_the_background_and_downloads_use_it(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _profile(world)
    client.force_login(world.a.candidate.user)
    with django_capture_on_commit_callbacks(execute=True):
        cv = _create(world, client)
    version = cv.versions.get()
    stored = Rendering.objects.get(version=version)  # the immediate backend ran the task
    assert (stored.design, stored.language) == ("modern", "nb")
    assert read_stored(stored.pdf).startswith(b"%PDF")
    replaced = save_private("cvs", b"%PDF-stored", extension="pdf")
    Rendering.objects.filter(pk=stored.pk).update(pdf=replaced)
    pdf = client.get(_url("download", world, version_id=version.public_id, file_format="pdf"))
    assert b"".join(pdf.streaming_content) == b"%PDF-stored"  # type: ignore[attr-defined]
    # A new design re-renders every version; until then a download renders afresh.
    with django_capture_on_commit_callbacks(execute=True):
        services.cv_settings_update(
            cv=cv, title=cv.title, language="nb", design="compact", target_role=""
        )
    stored.refresh_from_db()
    assert stored.design == "compact"
    assert read_stored(stored.pdf).startswith(b"%PDF-1")
