"""`import-reference-data`: what it recognises and stores; a re-run changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from springboard.lib.errors import DomainError
from springboard.taxonomy.importing import plan_import
from springboard.taxonomy.models import (
    IscoGroup,
    Label,
    Occupation,
    OccupationSkill,
    Skill,
    SkillBroader,
    SkillGroup,
    SkillSkill,
    TaxonomyVersion,
    public_id_for,
)
from springboard.taxonomy.services import SAMPLE_PATH, reference_data_import
from springboard.taxonomy.tests.conftest import ESCO, FIXTURES

MODELS = (
    IscoGroup,
    SkillGroup,
    Occupation,
    Skill,
    OccupationSkill,
    SkillSkill,
    SkillBroader,
    Label,
    TaxonomyVersion,
)


def snapshot() -> dict[str, Any]:
    """Every row of every taxonomy table, timestamps included."""
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in MODELS}


def test_plan_uses_every_esco_and_melo_file_of_the_fixtures() -> None:
    plan = plan_import(FIXTURES)
    used = {f.path.name for f in plan.used}
    assert used == {p.name for p in FIXTURES.iterdir() if not p.name.endswith(".txt")}
    assert {p.name for p, _ in plan.skipped} == {"cv_en.txt", "cv_nl.txt"}


def test_plan_keeps_the_newest_version_and_says_what_it_skipped(tmp_path: Path) -> None:
    for version in ("v1.1.1", "v1.2.0"):
        (tmp_path / version).mkdir()
        shutil.copy(FIXTURES / "occupations_en.csv", tmp_path / version / "occupations_en.csv")
    shutil.copy(FIXTURES / "corpus_elements_da.tsv", tmp_path)  # no concept_mapping_da.tsv
    plan = plan_import(tmp_path)
    assert [f.path.parent.name for f in plan.used] == ["v1.2.0"]
    reasons = {p.relative_to(tmp_path).as_posix(): reason for p, reason in plan.skipped}
    assert reasons["v1.1.1/occupations_en.csv"].startswith("superseded by v1.2.0")
    assert "partner" in reasons["corpus_elements_da.tsv"]


@pytest.mark.django_db
def test_import_stores_concepts_relations_labels_and_a_version(imported: Any) -> None:
    dev = Occupation.objects.select_related("isco_group").get(uri=f"{ESCO}occupation/0001-dev")
    assert dev.public_id == public_id_for(dev.uri)
    assert dev.code == "2512.1"
    assert dev.names == {
        "en": "software developer",
        "nl": "softwareontwikkelaar",
        "da": "softwareudvikler",
        "nb": "programvareutvikler",
    }
    assert dev.isco_group is not None
    assert dev.isco_group.code == "2512"
    assert dev.descriptions["en"].startswith("desc, with comma")
    assert set(dev.labels.values_list("lang", "kind", "text")) >= {
        ("en", "preferred", "software developer"),
        ("en", "alt", "programmer"),
        ("en", "hidden", "softare developer"),
        ("nl", "alt", "programmeur"),
        ("da", "alt", "programmør"),
        ("nb", "alt", "systemutvikler"),
    }
    python = Skill.objects.get(uri=f"{ESCO}skill/s-python")
    assert python.skill_type == "knowledge"
    assert python.names["nl"] == "Python"
    assert OccupationSkill.objects.get(occupation=dev, skill=python).relation == "essential"
    assert OccupationSkill.objects.count() == 16
    assert SkillSkill.objects.filter(skill=python, related__uri=f"{ESCO}skill/s-sql").exists()
    label = Label.objects.get(occupation=dev, lang="da", text="programmør")
    assert label.search_text == "programmor"
    version = TaxonomyVersion.objects.get()
    assert version.number == 1
    assert not version.is_sample
    assert "occupations_en.csv" in version.summary["files"]
    assert imported.version == version


@pytest.mark.django_db
def test_a_second_import_changes_nothing(imported: Any) -> None:
    before = snapshot()
    again = reference_data_import(path=FIXTURES)
    assert again.version is None
    assert not any(result.changed for result in again.tables.values())
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_file_updates_rows_and_bumps_the_version(imported: Any, tmp_path: Path) -> None:
    for source in FIXTURES.iterdir():
        shutil.copy(source, tmp_path)
    path = tmp_path / "occupations_en.csv"
    path.write_text(path.read_text().replace("software developer,", "software engineer II,"))
    relations = tmp_path / "occupationSkillRelations.csv"
    lines = relations.read_text().splitlines()
    relations.write_text("\n".join(line for line in lines if "s-team" not in line) + "\n")
    untouched = Occupation.objects.get(uri=f"{ESCO}occupation/0002-nurse").updated_at

    report = reference_data_import(path=tmp_path)

    assert report.version is not None
    assert report.version.number == 2
    dev = Occupation.objects.get(uri=f"{ESCO}occupation/0001-dev")
    assert dev.names["en"] == "software engineer II"
    assert Label.objects.filter(occupation=dev, lang="en", kind="preferred").get().text == (
        "software engineer II"
    )
    assert not Label.objects.filter(occupation=dev, lang="en", text="software developer").exists()
    assert not OccupationSkill.objects.filter(skill__uri=f"{ESCO}skill/s-team").exists()
    assert Occupation.objects.get(uri=f"{ESCO}occupation/0002-nurse").updated_at == untouched


@pytest.mark.django_db
def test_sample_is_marked_and_replaced_by_real_data() -> None:
    sample = reference_data_import(path=SAMPLE_PATH, sample=True)
    assert sample.version is not None
    assert sample.version.is_sample
    assert Occupation.objects.filter(uri__contains="springboard.invalid/sample").count() == 10
    assert reference_data_import(path=SAMPLE_PATH, sample=True).version is None

    real = reference_data_import(path=FIXTURES)

    assert real.cleared_sample
    assert real.version is not None
    assert not real.version.is_sample
    assert not Occupation.objects.filter(uri__contains="springboard.invalid").exists()
    with pytest.raises(DomainError):
        reference_data_import(path=SAMPLE_PATH, sample=True)


@pytest.mark.django_db
def test_sample_data_is_complete_and_plausible() -> None:
    reference_data_import(path=SAMPLE_PATH, sample=True)
    for occupation in Occupation.objects.all():
        assert set(occupation.names) == {"en", "nl", "da", "nb"}, occupation.uri
        assert occupation.isco_group_id is not None
        assert occupation.skills.filter(relation="essential").exists()
    web = Occupation.objects.get(uri__endswith="/web-developer")
    assert web.broader is not None
    assert web.broader.uri.endswith("/software-developer")
    assert SkillGroup.objects.filter(parent__isnull=False).count() == 5


@pytest.mark.django_db
def test_missing_directory_is_a_domain_error(tmp_path: Path) -> None:
    with pytest.raises(DomainError):
        reference_data_import(path=tmp_path / "nope")
    assert not TaxonomyVersion.objects.exists()
