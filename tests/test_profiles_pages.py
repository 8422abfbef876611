"""Pages of the competence profile: sections, skills with autocomplete, coach review."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.privacy.models import AuditEvent
from springboard.profiles.models import (
    Achievement,
    CareerEntry,
    Education,
    LanguageSkill,
    Profile,
    ProfileComment,
    ProfileSkill,
)
from springboard.profiles.services import profile_ensure, skill_add
from springboard.programmes.models import PlanItem, Programme
from springboard.programmes.services import intake_complete
from springboard.taxonomy.models import Label, Occupation, public_id_for
from tests.factories import World, make_programme
from tests.test_no_english_leftovers import visible_text
from tests.test_profiles_services import make_skills
from tests.test_programmes_templates import answers


def _planned(world: World) -> Programme:
    programme = make_programme(world.a)
    return intake_complete(
        programme=programme, actor=world.a.coach, answers=answers(), language="en"
    )


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"profiles:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def test_candidate_fills_every_section(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    page = client.get(_url("profile", world))
    assert page.status_code == 200
    assert "No jobs yet" in page.text
    response = client.post(
        _url("row_add", world, section="career"),
        {
            "title": "Warehouse manager",
            "employer": "Nordlager",
            "start_year": "2015",
            "start_month": "3",
            "end_year": "",
            "end_month": "",
            "went_well": "Team spirit",
        },
    )
    assert response.status_code == 302, response.content
    job = CareerEntry.objects.get()
    assert job.is_current
    assert job.went_well == "Team spirit"
    response = client.post(
        _url("row_add", world, section="achievements"),
        {
            "title": "Cut picking errors",
            "situation": "Many errors",
            "task": "Reduce them",
            "action": "Scanners",
            "result": "-40%",
            "career_entry": str(job.public_id),
        },
    )
    assert response.status_code == 302, response.content
    assert Achievement.objects.get().career_entry == job
    response = client.post(
        _url("row_add", world, section="education"),
        {"kind": "certificate", "title": "Forklift licence", "level": "course", "end_year": "2012"},
    )
    assert response.status_code == 302, response.content
    assert Education.objects.get().title == "Forklift licence"
    response = client.post(
        _url("row_add", world, section="languages"),
        {"language": "Danish", "understanding": "C2", "speaking": "C1", "writing": "B2"},
    )
    assert response.status_code == 302, response.content
    assert LanguageSkill.objects.get().speaking == "C1"
    # A language without levels and not the mother tongue is refused with a message.
    response = client.post(_url("row_add", world, section="languages"), {"language": "German"})
    assert response.status_code == 200
    assert "Give a level" in response.text
    page = client.get(_url("profile", world))
    for text in ("Warehouse manager", "Cut picking errors", "Forklift licence", "Danish"):
        assert text in page.text


def test_stale_edit_is_refused_and_keeps_the_text(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    client.get(_url("profile", world))
    profile = Profile.objects.get()
    job = CareerEntry.objects.create(profile=profile, employer="A", title="B", start_year=2010)
    url = _url("row_edit", world, section="career", row_id=job.public_id)
    data = {"title": "First tab", "employer": "A", "start_year": "2010", "version": "1"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Second tab"})
    assert response.status_code == 200
    assert "changed in another window" in response.text
    assert 'value="Second tab"' in response.text
    job.refresh_from_db()
    assert job.title == "First tab"


def test_skill_autocomplete_in_every_language(world: World, client: Client) -> None:
    make_skills()
    client.force_login(world.a.candidate.user)
    client.get(_url("skills", world))
    for lang, query, name in (
        ("nl", "heftruck", "heftruck besturen"),
        ("da", "betjene", "betjene gaffeltruck"),
        ("nb", "kjøre", "kjøre gaffeltruck"),
        ("en", "forklift", "operate forklift"),
    ):
        # Words typed in `lang` find the skill by its label in that language.
        response = client.get(
            _url("skill_suggest", world), {"q": query}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert name in response.text, (lang, response.text)
    # The label matched in another language shows as the note beside the reader's name.
    response = client.get(
        _url("skill_suggest", world), {"q": "projektledelse"}, headers={"HX-Request": "1"}
    )
    assert "project management" in response.text
    assert "projektledelse" in response.text
    # Without script, the search form shows the whole page with the suggestions.
    page = client.get(_url("skill_suggest", world), {"q": "projektledelse"})
    assert "<main" in page.text
    assert "project management" in page.text
    response = client.get(_url("skill_suggest", world), {"q": "x"}, headers={"HX-Request": "1"})
    assert "list-group-item" not in response.text
    # A Dutch reader sees the Dutch name, whatever language the typed words matched.
    world.a.candidate.user.language = "nl"
    world.a.candidate.user.save(update_fields=["language"])
    response = client.get(
        _url("skill_suggest", world), {"q": "forklift"}, headers={"HX-Request": "true"}
    )
    assert "heftruck besturen" in response.text
    assert 'lang="nl"' in response.text


def test_job_with_an_esco_occupation_and_an_achievement_with_skills(
    world: World, client: Client
) -> None:
    skills = make_skills()
    uri = "http://data.europa.eu/esco/occupation/test-warehouse-manager"
    occupation = Occupation.objects.create(
        uri=uri,
        public_id=public_id_for(uri),
        names={"en": "warehouse manager", "da": "lagerchef"},
        updated_at=timezone.now(),
    )
    Label.objects.create(
        occupation=occupation,
        lang="da",
        kind="preferred",
        text="lagerchef",
        search_text="lagerchef",
    )
    client.force_login(world.a.candidate.user)
    response = client.get(_url("occupation_suggest", world), {"occupation_q": "lagerch"})
    assert f'value="{occupation.public_id}"' in response.text
    response = client.post(
        _url("row_add", world, section="career"),
        {
            "title": "Lagerchef",
            "employer": "Nordlager",
            "start_year": "2015",
            "occupation": str(occupation.public_id),
        },
    )
    assert response.status_code == 302
    job = CareerEntry.objects.get()
    assert job.occupation == occupation
    response = client.post(
        _url("row_add", world, section="career"),
        {"title": "x", "employer": "y", "start_year": "2015", "occupation": "not-a-uuid"},
    )
    assert "Choose an occupation from the suggestions." in response.text
    row = skill_add(profile=Profile.objects.get(), skill=skills["stock"])
    response = client.post(
        _url("row_add", world, section="achievements"),
        {
            "title": "Stock right",
            "situation": "s",
            "task": "t",
            "action": "a",
            "result": "r",
            "career_entry": str(job.public_id),
            "skills": [str(row.public_id)],
        },
    )
    assert response.status_code == 302
    assert list(Achievement.objects.get().skills.all()) == [row]
    page = client.get(_url("profile", world))
    assert "warehouse manager" in page.text
    assert "stock control" in page.text
    # Another candidate's skill cannot be linked.
    other = skill_add(profile=profile_ensure(world.a.candidate2), skill=skills["excel"])
    response = client.post(
        _url("row_add", world, section="achievements"),
        {
            "title": "t",
            "situation": "s",
            "task": "t",
            "action": "a",
            "result": "r",
            "skills": [str(other.public_id)],
        },
    )
    assert response.status_code == 200
    assert Achievement.objects.count() == 1


def test_add_confirm_and_map_skills_ticks_the_plan_task(world: World, client: Client) -> None:
    skills = make_skills()
    tasks = PlanItem.objects.filter(programme=_planned(world), tool="skills")
    assert tasks.exists()
    client.force_login(world.a.candidate.user)
    client.get(_url("skills", world))
    for skill in skills.values():
        response = client.post(_url("skill_add", world), {"skill": str(skill.public_id)})
        assert response.status_code == 302
    assert ProfileSkill.objects.filter(confirmed_by_candidate_at__isnull=False).count() == 6
    row = ProfileSkill.objects.first()
    assert row is not None
    response = client.post(
        _url("skill_edit", world, skill_id=row.public_id),
        {"proficiency": "expert", "evidence": "Ten years", "version": "1"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.proficiency == "expert"
    response = client.post(_url("skills_mapped", world), follow=True)
    assert "your skills are mapped" in response.text
    assert Profile.objects.get().skills_mapped_at is not None
    assert not tasks.filter(done_at__isnull=True).exists()


def test_skills_mapped_needs_five_confirmed(world: World, client: Client) -> None:
    skills = make_skills()
    profile = profile_ensure(world.a.candidate)
    skill_add(profile=profile, skill=skills["forklift"])
    client.force_login(world.a.candidate.user)
    response = client.post(_url("skills_mapped", world), follow=True)
    assert "Confirm at least 5 skills first" in response.text
    assert Profile.objects.get().skills_mapped_at is None


def test_coach_reads_comments_and_confirms_audited(world: World, client: Client) -> None:
    skills = make_skills()
    programme = make_programme(world.a)
    profile = profile_ensure(world.a.candidate)
    row = skill_add(profile=profile, skill=skills["stock"], confirm=False)
    client.force_login(world.a.coach.user)
    url = reverse(
        "profiles:coach_profile",
        kwargs={"agency_slug": world.a.agency.slug, "programme_id": programme.public_id},
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "stock control" in page.text
    assert AuditEvent.objects.filter(action="profile.read", actor=world.a.coach.user).count() == 1
    response = client.post(
        reverse(
            "profiles:coach_comment",
            kwargs={"agency_slug": world.a.agency.slug, "programme_id": programme.public_id},
        ),
        {"section": "skills", "text": "Add your SAP experience"},
    )
    assert response.status_code == 302
    assert ProfileComment.objects.get().author == world.a.coach
    response = client.post(
        reverse(
            "profiles:coach_skill_confirm",
            kwargs={
                "agency_slug": world.a.agency.slug,
                "programme_id": programme.public_id,
                "skill_id": row.public_id,
            },
        )
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.confirmed_by_coach == world.a.coach
    assert row.confirmed_by_coach_at is not None
    assert AuditEvent.objects.filter(action="profile.skill_confirm").count() == 1
    # The candidate sees the comment on that section.
    client.force_login(world.a.candidate.user)
    assert "Add your SAP experience" in client.get(_url("skills", world)).text
    assert "Add your SAP experience" in client.get(_url("profile", world)).text


def test_coach_of_another_candidate_gets_404(world: World, client: Client) -> None:
    programme = make_programme(world.a)
    client.force_login(world.a.coach2.user)
    url = reverse(
        "profiles:coach_profile",
        kwargs={"agency_slug": world.a.agency.slug, "programme_id": programme.public_id},
    )
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="profile.read").exists()
    # Admins reach the programme but never the profile.
    client.force_login(world.a.admin.user)
    assert client.get(url).status_code == 403


def test_completing_the_profile_needs_a_job_and_ticks_the_task(
    world: World, client: Client
) -> None:
    programme = _planned(world)
    tasks = PlanItem.objects.filter(programme=programme, tool="competence-profile")
    assert tasks.exists()
    client.force_login(world.a.candidate.user)
    response = client.post(_url("complete", world), follow=True)
    assert "Add at least one job" in response.text
    profile = Profile.objects.get()
    CareerEntry.objects.create(profile=profile, employer="A", title="B", start_year=2010)
    response = client.post(_url("complete", world), follow=True)
    assert "marked complete" in response.text
    profile.refresh_from_db()
    assert profile.completed_at is not None
    assert not tasks.filter(done_at__isnull=True).exists()


def test_intake_source_shows_on_the_preferences(world: World, client: Client) -> None:
    _planned(world)
    client.force_login(world.a.candidate.user)
    page = client.get(_url("profile", world))
    assert "Filled in from the intake" in page.text
    form = client.get(_url("preferences", world))
    assert "first filled in from your intake" in form.text


# English sentences of the profile's pages; none may show on a page in another language.
ENGLISH_PHRASES = (
    "Your competence profile",
    "Career history",
    "No jobs yet",
    "Add a job",
    "Achievements",
    "Education and certificates",
    "Languages",
    "Preferences",
    "Map your skills",
    "Upload your CV",
    "Search skills",
    "My skills are mapped",
    "Your uploads",
    "Upload and read",
    "What went well",
    "lowest monthly pay",
    "Leave empty if this is your current job.",
    "ESCO occupation (optional)",
    "Comment on a section",
    "Filled in from the intake",
    "confirmed by",
)


@pytest.mark.parametrize("language", ["nl", "da", "nb"])
def test_profile_pages_speak_the_readers_language(
    world: World, client: Client, language: str
) -> None:
    skills = make_skills()
    programme = _planned(world)
    profile = profile_ensure(world.a.candidate)
    CareerEntry.objects.create(
        profile=profile, employer="A", title="B", start_year=2010, went_well="x"
    )
    skill_add(profile=profile, skill=skills["stock"])
    for member in (world.a.candidate, world.a.coach):
        member.user.language = language
        member.user.save(update_fields=["language"])
    client.force_login(world.a.candidate.user)
    paths = [
        _url("profile", world),
        _url("skills", world),
        _url("cv_upload", world),
        _url("preferences", world),
        _url("row_add", world, section="career"),
    ]
    pages = [client.get(path) for path in paths]
    client.force_login(world.a.coach.user)
    pages.append(
        client.get(
            reverse(
                "profiles:coach_profile",
                kwargs={"agency_slug": world.a.agency.slug, "programme_id": programme.public_id},
            )
        )
    )
    for response in pages:
        assert response.status_code == 200
        text = visible_text(response.text, language)
        assert not [p for p in ENGLISH_PHRASES if p in text], (response.request["PATH_INFO"], text)
