"""LinkedIn: the data export becomes suggestions decided one by one; hostile ZIPs are refused
within bounds; checklist points become plan tasks."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from springboard.cvs.models import LinkedInSuggestion, SuggestionState
from springboard.cvs.services.linkedin import linkedin_date, linkedin_import
from springboard.lib.errors import DomainError
from springboard.profiles.models import CareerEntry, Education
from springboard.programmes.models import PlanItem, PlanItemKind
from tests import matrix_programmes
from tests.factories import World

POSITIONS = (
    "Company Name,Title,Description,Location,Started On,Finished On\n"
    'Nordlager AS,Lagerleder,"Ansvar for tolv ansatte, Ærø",Tønsberg,Mar 2019,\n'
    "Fjordfrakt,Lagermedarbeider,,Oslo,2012,Feb 2019\n"
    ",Missing company,,,2010,\n"
)
EDUCATION = (
    "School Name,Start Date,End Date,Notes,Degree Name,Activities\nBI,2004,2007,,Bachelor,\n"
)
SKILLS = "Name\nLagerstyring\n"


def _zip(files: dict[str, str | bytes], *, folder: str = "Basic_LinkedInDataExport/") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(folder + name, text)
    return out.getvalue()


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"cvs:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def test_dates_as_linkedin_writes_them() -> None:
    assert linkedin_date("Mar 2019") == (2019, 3)
    assert linkedin_date("2012") == (2012, None)
    assert linkedin_date("2019-11") == (2019, 11)
    assert linkedin_date("") == (None, None)
    assert linkedin_date("soon") == (None, None)


def test_export_becomes_suggestions_accepted_one_by_one(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    data = _zip({"Positions.csv": POSITIONS, "Education.csv": EDUCATION, "Skills.csv": SKILLS})
    response = client.post(
        _url("linkedin", world), {"file": SimpleUploadedFile("export.zip", data)}
    )
    assert response.status_code == 302, response.content
    kinds = sorted(LinkedInSuggestion.objects.values_list("kind", flat=True))
    assert kinds == ["education", "position", "position", "skill"]  # the row without company: no
    # The same export again adds nothing.
    assert linkedin_import(candidate=world.a.candidate, data=data) == 0
    assert not CareerEntry.objects.exists()
    leader = LinkedInSuggestion.objects.get(data__title="Lagerleder")
    client.post(_url("linkedin_suggestion", world, suggestion_id=leader.public_id), {"accept": "1"})
    job = CareerEntry.objects.get()
    assert (job.title, job.employer, job.start_year, job.start_month) == (
        "Lagerleder",
        "Nordlager AS",
        2019,
        3,
    )
    assert job.description == "Ansvar for tolv ansatte, Ærø"
    education = LinkedInSuggestion.objects.get(kind="education")
    client.post(_url("linkedin_suggestion", world, suggestion_id=education.public_id), {})
    education.refresh_from_db()
    assert education.state == SuggestionState.DISMISSED
    assert not Education.objects.exists()
    # A skill that is not in the ESCO list is refused with a message; it stays open.
    skill = LinkedInSuggestion.objects.get(kind="skill")
    page = client.post(
        _url("linkedin_suggestion", world, suggestion_id=skill.public_id),
        {"accept": "1"},
        follow=True,
    )
    assert "not in the skills list" in page.text
    skill.refresh_from_db()
    assert skill.state == SuggestionState.OPEN
    # Another candidate's suggestion is a 404.
    client.force_login(world.a.candidate2.user)
    assert (
        client.post(
            _url("linkedin_suggestion", world, suggestion_id=skill.public_id), {"accept": "1"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not a zip",
        _zip({"Readme.txt": "hello"}),
        # A bomb: 3 MB of zeros squeezed into a few kB, named like an export file.
        _zip({"Skills.csv": b"0" * (3 * 1024 * 1024)}),
        _zip({f"f{n}.txt": "x" for n in range(501)}),
    ],
    ids=["not-zip", "no-export-files", "zip-bomb", "too-many-entries"],
)
def test_hostile_or_wrong_files_are_refused(world: World, data: bytes) -> None:
    assert len(data) < 100_000
    with pytest.raises(DomainError):
        linkedin_import(candidate=world.a.candidate, data=data)
    assert not LinkedInSuggestion.objects.exists()


def test_checklist_point_becomes_a_plan_task(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    page = client.post(_url("linkedin_task", world), {"key": "headline"}, follow=True)
    assert "no plan yet" in page.text
    programme = matrix_programmes._with_plan(matrix_programmes.make_programme(world.a), world.a)
    assert programme.candidate == world.a.candidate
    client.post(_url("linkedin_task", world), {"key": "headline"})
    task = PlanItem.objects.get(
        programme=programme, kind=PlanItemKind.TASK, title__startswith="LinkedIn"
    )
    assert task.title == "LinkedIn: Headline"
    assert task.due_date is not None
    again = client.post(_url("linkedin_task", world), {"key": "headline"}, follow=True)
    assert "already a task" in again.text
    assert client.post(_url("linkedin_task", world), {"key": "nope"}).status_code == 302
