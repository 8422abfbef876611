"""The opportunities app end to end: the importer, the index from the database, the candidate's
and the coach's pages and API, the training-need task, and what employer contacts never see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from springboard.opportunities import index as opportunity_index
from springboard.opportunities.models import EscoOnetLink, OnetInterestProfile, TrainingNeedTask
from springboard.opportunities.onet_files import SOC_PARENT
from springboard.opportunities.ranking import Query, View, rank_plain
from springboard.opportunities.services import import_interest_reference_data
from springboard.privacy.models import AuditEvent
from springboard.profiles.models import CareerEntry, Profile, ProfileSkill
from springboard.programmes.models import PlanItem, PlanItemKind
from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import Label, Occupation, Skill, TaxonomyVersion
from springboard.taxonomy.reference_data_importers import reference_importers
from springboard.tenancy.models import Membership
from tests.factories import World, make_programme
from tests.fixtures.opportunities.world import (
    DATA,
    make_taxonomy,
    occupation_uri,
    skill_uri,
    with_plan,
)

REAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CANARY = "CANARY-opportunity-skill-7f3a"


@pytest.fixture
def taxonomy(db: None) -> None:
    make_taxonomy()
    import_interest_reference_data(DATA, lambda line: None)
    opportunity_index.clear()


def confirm_skills(candidate: Membership, *keys: str) -> Profile:
    profile, _ = Profile.objects.get_or_create(agency=candidate.agency, membership=candidate)
    for key in keys:
        ProfileSkill.objects.create(
            profile=profile,
            skill=Skill.objects.get(uri=skill_uri(key)),
            confirmed_by_candidate_at=timezone.now(),
        )
    return profile


def _interests(monkeypatch: Any, scores: dict[str, int] | None) -> None:
    monkeypatch.setattr(
        "springboard.opportunities.selectors.interest_scores", lambda membership: scores
    )


# --- reference data ---------------------------------------------------------------------------


def test_import_reads_profiles_and_links_and_changes_nothing_the_second_time(db: None) -> None:
    lines: list[str] = []
    import_interest_reference_data(DATA, lines.append)
    developer = OnetInterestProfile.objects.get(onet_code="15-1252.00")
    # The out-of-range 9.5 row is skipped, not stored over the real value.
    assert developer.levels == (2.0, 6.5, 3.0, 2.0, 3.0, 4.5)
    assert developer.high_point == "IC"
    assert OnetInterestProfile.objects.count() == 4
    links = dict(EscoOnetLink.objects.values_list("occupation_uri", "onet_code"))
    assert links == {
        occupation_uri("developer"): "15-1252.00",
        occupation_uri("analyst"): "15-2041.00",
        occupation_uri("carpenter"): "47-2031.00",  # 47-2031.01 is gone: its SOC main occupation
        occupation_uri("shopkeeper"): "41-2031.00",
    }
    assert EscoOnetLink.objects.get(occupation_uri=occupation_uri("carpenter")).match == SOC_PARENT
    assert any("4 new" in line for line in lines)
    before = list(OnetInterestProfile.objects.values_list()) + list(
        EscoOnetLink.objects.values_list()
    )
    again: list[str] = []
    import_interest_reference_data(DATA, again.append)
    after = list(OnetInterestProfile.objects.values_list()) + list(
        EscoOnetLink.objects.values_list()
    )
    assert after == before
    assert all("0 new, 0 updated, 0 removed" in line for line in again)


def test_import_without_the_files_does_nothing(db: None, tmp_path: Path) -> None:
    # `springboard import-reference-data` runs it after the taxonomy.
    assert ("opportunities", import_interest_reference_data) in reference_importers()
    lines: list[str] = []
    import_interest_reference_data(tmp_path, lines.append)
    assert OnetInterestProfile.objects.count() == 0
    assert "not found" in lines[0]


@pytest.mark.reference_data
@pytest.mark.skipif(not REAL_DATA.is_dir(), reason="reference data (../shared/data) not present")
def test_import_of_the_real_onet_and_crosswalk_files(db: None) -> None:
    lines: list[str] = []
    import_interest_reference_data(REAL_DATA, lines.append)
    assert OnetInterestProfile.objects.count() == 923
    assert EscoOnetLink.objects.count() > 1400  # of 1,680 crosswalk rows, the rest not in 29.3
    assert EscoOnetLink.objects.filter(match=SOC_PARENT).exists()
    chief = OnetInterestProfile.objects.get(onet_code="11-1011.00")
    assert chief.enterprising == 6.88
    assert chief.high_point == "EC"


def test_index_from_the_database(taxonomy: None) -> None:
    index = opportunity_index.get_index()
    assert len(index) == 5
    developer = index.record(occupation_uri("developer"))
    junior = index.record(occupation_uri("junior"))
    analyst = index.record(occupation_uri("analyst"))
    assert developer is not None
    assert junior is not None
    assert analyst is not None
    assert developer.essential == tuple(skill_uri(k) for k in ("python", "sql", "testing"))
    assert developer.isco_code == "2512"
    # The junior developer has no crosswalk row: it inherits its broader occupation's profile.
    assert junior.interests == developer.interests == (2.0, 6.5, 3.0, 2.0, 3.0, 4.5)
    # Self-employment read from ISCO-08 texts: shopkeepers ("either independently") and
    # every craft worker (major group 7 says so); not the developers.
    flags = {r.uri.rsplit("/", 1)[-1]: r.self_employment for r in index.records}
    assert flags == {
        "analyst": False,
        "carpenter": True,
        "developer": False,
        "junior": False,
        "shopkeeper": True,
    }
    # Cached per process until the taxonomy or this app's reference data changes.
    assert opportunity_index.get_index() is index
    OnetInterestProfile.objects.filter(onet_code="15-1252.00").update(imported_at=timezone.now())
    rebuilt = opportunity_index.get_index()
    assert rebuilt is not index
    query = Query(skills=frozenset(skill_uri(k) for k in ("python", "sql", "sales")))
    assert rebuilt.rank(query) == rank_plain(rebuilt.records, query)


# --- the candidate's page ---------------------------------------------------------------------


def test_candidate_without_skills_is_told_what_to_do(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    client.force_login(world.a.candidate.user)
    response = client.get(reverse("opportunities:list", args=[world.a.agency.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Confirm skills in your profile first." in text
    assert "Take the interest questionnaire" in text


def test_candidate_sees_ranked_occupations_with_reasons(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, {"R": 8, "I": 4, "A": 8, "S": 28, "E": 38, "C": 26})
    candidate = world.a.candidate
    programme = with_plan(make_programme(world.a), world.a.coach)
    tool_task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert tool_task is not None
    PlanItem.objects.filter(pk=tool_task.pk).update(tool="opportunities")
    confirm_skills(candidate, "python", "sql", "sales")
    client.force_login(candidate.user)
    url = reverse("opportunities:list", args=[world.a.agency.slug])
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "5 occupations fit." in text
    assert "shopkeeper" in text
    assert "data analyst" in text
    developer = Occupation.objects.get(uri=occupation_uri("developer"))
    detail = reverse("taxonomy:occupation_detail", args=[world.a.agency.slug, developer.public_id])
    assert detail in text
    assert "You have 2 of its 3 essential skills." in text
    assert "Interests match:" in text
    # Every fixture occupation has a profile, the junior developer through its broader one.
    assert "No interest profile is known" not in text
    # Opening the page with results is the work of a plan task naming the tool.
    tool_task.refresh_from_db()
    assert tool_task.done_at is not None
    # Another sector: no past job is known yet, so the page says how to get one.
    other = client.get(url, {"view": View.OTHER_SECTOR.value}).content.decode()
    assert "Add past jobs with their ESCO occupation" in other
    profile = Profile.objects.get(membership=candidate)
    CareerEntry.objects.create(
        profile=profile,
        employer="Acme",
        title="Developer",
        occupation=developer,
        start_year=2015,
    )
    other = client.get(url, {"view": View.OTHER_SECTOR.value}).content.decode()
    assert "2 occupations fit." in other
    assert "shopkeeper" in other
    assert "data analyst" not in other
    self_employed = client.get(url, {"view": View.SELF_EMPLOYMENT.value}).content.decode()
    assert "2 occupations fit." in self_employed
    assert "carpenter" in self_employed
    # Junk filters fall back to the defaults instead of failing.
    junk = client.get(url, {"view": "nope", "major": "x'--", "sort": "1", "page": "999"})
    assert junk.status_code == 200
    partial = client.get(url, {"major": "7"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert "carpenter" in partial.content.decode()


def test_candidate_api(taxonomy: None, world: World, client: Client, monkeypatch: Any) -> None:
    _interests(monkeypatch, None)
    confirm_skills(world.a.candidate, "python", "sql", "sales")
    client.force_login(world.a.candidate.user)
    url = reverse("api:opportunity_list", args=[world.a.agency.slug])
    body = client.get(url).json()
    assert body["total"] == 5
    assert body["confirmed_skills"] == 3
    assert body["interests_known"] is False
    first = body["items"][0]
    assert first["uri"] == occupation_uri("analyst")
    assert first["score"] == pytest.approx(0.6)
    assert first["interest_fit"] is None
    assert [s["uri"] for s in first["matched_essential"]] == [skill_uri("sql")]
    assert [s["uri"] for s in first["missing_essential"]] == [skill_uri("statistics")]
    assert first["vacancies"] is None
    assert client.get(url, {"view": "nonsense"}).status_code == 422
    assert client.get(url, {"page": "0"}).status_code == 422


# --- the coach ----------------------------------------------------------------------------------


def test_coach_view_is_audited_and_scoped(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    programme = with_plan(make_programme(world.a), world.a.coach)
    confirm_skills(world.a.candidate, "python", "sql")
    url = reverse("opportunities:coach", args=[world.a.agency.slug, programme.public_id])
    client.force_login(world.a.coach.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "data analyst" in response.content.decode()
    assert "Plan as a task" in response.content.decode()
    event = AuditEvent.objects.get(action="opportunities.read")
    assert event.actor == world.a.coach.user
    assert event.target_id == str(programme.public_id)
    client.force_login(world.a.coach2.user)
    assert client.get(url).status_code == 404
    client.force_login(world.a.admin.user)
    assert client.get(url).status_code == 403
    client.force_login(world.a.candidate.user)
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="opportunities.read").count() == 1


def test_training_need_becomes_one_task(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    programme = with_plan(make_programme(world.a), world.a.coach)
    confirm_skills(world.a.candidate, "python", "sql")
    statistics = Skill.objects.get(uri=skill_uri("statistics"))
    analyst = Occupation.objects.get(uri=occupation_uri("analyst"))
    url = reverse("opportunities:training_need", args=[world.a.agency.slug, programme.public_id])
    data = {"skill": str(statistics.public_id), "occupation": str(analyst.public_id)}
    tasks_before = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).count()
    client.force_login(world.a.coach.user)
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "In the plan" in response.content.decode()
    task = TrainingNeedTask.objects.get(programme=programme).plan_item
    assert task.title == "Learn: statistics"
    assert "data analyst" in task.description
    assert task.kind == PlanItemKind.TASK
    assert task.parent is not None
    assert task.due_date
    # The same skill again: no second task.
    assert client.post(url, data).status_code == 302
    api = reverse("api:opportunity_training_need", args=[world.a.agency.slug, programme.public_id])
    body = client.post(
        api, json.dumps({"skill": str(statistics.public_id)}), content_type="application/json"
    ).json()
    assert body == {"task_id": str(task.public_id), "title": task.title, "created": False}
    tasks_after = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).count()
    assert tasks_after == tasks_before + 1
    # The coach's list now shows the skill as planned.
    page = client.get(
        reverse("opportunities:coach", args=[world.a.agency.slug, programme.public_id])
    )
    assert "In the plan" in page.content.decode()
    # A skill the profile already shows is no training need.
    python = Skill.objects.get(uri=skill_uri("python"))
    answer = client.post(url, {"skill": str(python.public_id)}, headers={"HX-Request": "true"})
    assert "already shows this skill" in answer.content.decode()
    assert TrainingNeedTask.objects.filter(programme=programme).count() == 1
    # Junk input is a message, not an error page.
    assert client.post(url, {"skill": "not-a-uuid"}).status_code == 302
    junk = client.post(url, {"skill": "not-a-uuid"}, headers={"HX-Request": "true"})
    assert "Choose a skill from the list." in junk.content.decode()
    assert client.post(api, json.dumps({"skill": str(analyst.public_id)}),
                       content_type="application/json").status_code == 400  # fmt: skip


def test_training_need_refused_by_other_coach_admin_and_candidate(
    taxonomy: None, world: World, client: Client
) -> None:
    programme = with_plan(make_programme(world.a), world.a.coach)
    statistics = Skill.objects.get(uri=skill_uri("statistics"))
    url = reverse("opportunities:training_need", args=[world.a.agency.slug, programme.public_id])
    for member, status in (
        (world.a.coach2, 404),
        (world.b.coach, 404),
        (world.a.contact, 404),
        (world.a.admin, 403),
        (world.a.candidate, 403),
    ):
        client.force_login(member.user)
        assert client.post(url, {"skill": str(statistics.public_id)}).status_code == status
    assert not TrainingNeedTask.objects.exists()


def test_training_need_without_a_plan_says_what_to_do(
    taxonomy: None, world: World, client: Client
) -> None:
    programme = make_programme(world.a)  # no intake: no plan yet
    statistics = Skill.objects.get(uri=skill_uri("statistics"))
    client.force_login(world.a.coach.user)
    url = reverse("opportunities:training_need", args=[world.a.agency.slug, programme.public_id])
    response = client.post(url, {"skill": str(statistics.public_id)}, headers={"HX-Request": "1"})
    assert "complete the intake first" in response.content.decode()
    assert not TrainingNeedTask.objects.exists()


# --- employer contacts never see any of it ------------------------------------------------------


def test_canaries_never_reach_employer_contacts(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    Skill.objects.filter(uri=skill_uri("sql")).update(names={"en": CANARY})
    Occupation.objects.filter(uri=occupation_uri("analyst")).update(names={"en": CANARY + "-job"})
    programme = with_plan(make_programme(world.a), world.a.coach)
    confirm_skills(world.a.candidate, "python", "sql")
    slug = world.a.agency.slug
    # The canary is there for those who may see it…
    client.force_login(world.a.candidate.user)
    assert CANARY in client.get(reverse("opportunities:list", args=[slug])).content.decode()
    urls = [
        reverse("opportunities:list", args=[slug]),
        reverse("opportunities:coach", args=[slug, programme.public_id]),
        reverse("api:opportunity_list", args=[slug]),
        reverse("api:opportunity_coach_list", args=[slug, programme.public_id]),
    ]
    # …and never for the employer contact, whatever they try.
    client.force_login(world.a.contact.user)
    for url in urls:
        response = client.get(url)
        assert response.status_code in {403, 404}
        assert CANARY not in response.content.decode()
    response = client.post(
        reverse("opportunities:training_need", args=[slug, programme.public_id]), {"skill": "x"}
    )
    assert CANARY not in response.content.decode()


# --- translations -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "da", "nb"])
def test_every_string_of_the_app_is_translated(language: str) -> None:
    entries = json.loads((DATA / "translations.json").read_text(encoding="utf-8"))
    with translation.override(language):
        for entry in entries:
            if "plural" in entry:
                assert ngettext(entry["msgid"], entry["plural"], 5) == entry[f"{language}_plural"]
            else:
                assert gettext(entry["msgid"]) == entry[language]


def test_the_candidate_page_in_dutch(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    user = world.a.candidate.user
    user.language = "nl"
    user.save(update_fields=["language"])
    confirm_skills(world.a.candidate, "python", "sql")
    client.force_login(user)
    text = client.get(reverse("opportunities:list", args=[world.a.agency.slug])).content.decode()
    assert "beroepen passen." in text
    assert "softwareontwikkelaar" in text  # ESCO's Dutch name where it has one
    assert 'lang="en"' in text  # the junior developer has only an English name


def test_job_sought_counts_as_a_home_sector_when_it_reads_as_an_occupation(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    profile = confirm_skills(world.a.candidate, "python", "sql", "sales")
    profile.job_sought = "software developer"
    profile.save(update_fields=["job_sought"])
    client.force_login(world.a.candidate.user)
    url = reverse("opportunities:list", args=[world.a.agency.slug])
    # No labels imported: the title cannot be read, and the page says what would help.
    page = client.get(url, {"view": View.OTHER_SECTOR.value})
    assert page.status_code == 200
    assert "Add past jobs with their ESCO occupation" in page.content.decode()
    developer = Occupation.objects.get(uri=occupation_uri("developer"))
    Label.objects.create(
        occupation=developer,
        lang="en",
        kind="preferred",
        text="software developer",
        search_text="software developer",
    )
    opportunity_index.clear()
    engine_cache.clear()
    TaxonomyVersion.objects.update(changed_at=timezone.now())
    text = client.get(url, {"view": View.OTHER_SECTOR.value}).content.decode()
    assert "2 occupations fit." in text
    assert "data analyst" not in text


def test_search_keeps_the_occupations_whose_labels_contain_it(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, None)
    confirm_skills(world.a.candidate, "python", "sql", "sales")
    for key, text in (("carpenter", "carpenter"), ("shopkeeper", "shop owner")):
        Label.objects.create(
            occupation=Occupation.objects.get(uri=occupation_uri(key)),
            lang="en",
            kind="preferred",
            text=text,
            search_text=text,
        )
    client.force_login(world.a.candidate.user)
    page = client.get(reverse("opportunities:list", args=[world.a.agency.slug]), {"q": "Carp"})
    assert "1 occupation fits." in page.content.decode()
    api = reverse("api:opportunity_list", args=[world.a.agency.slug])
    body = client.get(api, {"q": "shop"}).json()
    assert [item["uri"] for item in body["items"]] == [occupation_uri("shopkeeper")]
    # Nothing searchable in the query: no search at all.
    assert client.get(api, {"q": " ?!"}).json()["total"] == 5


def test_an_occupation_without_interest_profile_says_so(
    taxonomy: None, world: World, client: Client, monkeypatch: Any
) -> None:
    _interests(monkeypatch, {"R": 8, "I": 30, "A": 8, "S": 10, "E": 20, "C": 26})
    EscoOnetLink.objects.filter(occupation_uri=occupation_uri("analyst")).delete()
    confirm_skills(world.a.candidate, "statistics")
    client.force_login(world.a.candidate.user)
    body = client.get(reverse("api:opportunity_list", args=[world.a.agency.slug])).json()
    (analyst,) = body["items"]
    assert analyst["has_interest_profile"] is False
    assert analyst["interest_fit"] is None
    assert analyst["score"] == pytest.approx(0.7 * (1 / 2.5) + 0.3 * 0.5)  # neutral interests
    page = client.get(reverse("opportunities:list", args=[world.a.agency.slug]))
    assert "No interest profile is known for this occupation" in page.content.decode()
