from pathlib import Path

import pytest

from springboard.matching import esco_files as ef

from .conftest import occupation, skill


def _classify(name: str) -> ef.DataFile:
    info = ef.classify(Path(name))
    assert info is not None, name
    return info


def test_classify_names_with_and_without_language():
    assert _classify("v1.1.1/relations/occupationSkillRelations.csv").lang == ""
    info = _classify("esco/v1.2.0/en/broaderRelationsOccPillar_en.csv")
    assert (info.kind, info.lang, info.version) == ("broader_occupation_relations", "en", (1, 2, 0))
    assert _classify("ISCOGroups_nl.csv").kind == "isco_groups"
    assert _classify("corpus_elements_no.tsv").lang == "nb"
    assert ef.classify(Path("README.md")) is None
    assert ef.classify(Path("conceptSchemes_en.csv")) is None


def test_discover_finds_every_fixture_file(fixture_dir):
    kinds = {(f.kind, f.lang) for f in ef.discover(fixture_dir)}
    assert ("occupations", "en") in kinds
    assert ("occupations", "nl") in kinds
    assert ("occupation_skill_relations", "") in kinds
    assert ("melo_corpus", "nb") in kinds
    assert ("skill_skill_relations", "") in kinds


def test_latest_prefers_newest_version(tmp_path):
    for version in ("v1.1.1", "v1.2.0"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "occupations_en.csv").write_text("conceptUri\n")
    newest = ef.latest(ef.discover(tmp_path), "occupations", "en")
    assert newest is not None
    assert newest.version == (1, 2, 0)


def test_occupations_stream_with_all_label_kinds(fixture_dir):
    concepts = list(ef.iter_occupations(fixture_dir / "occupations_en.csv"))
    dev = next(c for c in concepts if c.uri == occupation("dev"))
    assert dev.kind == "occupation"
    assert dev.lang == "en"
    assert dev.isco_group == "2512"
    assert dev.alt_labels == ("software engineer", "programmer", "application developer")
    assert dev.hidden_labels == ("softare developer",)
    assert dev.description == "desc, with comma\nand newline"
    kinds = [label.kind for label in dev.labels()]
    assert kinds == ["preferred", "alt", "alt", "alt", "hidden"]


def test_skills_groups_and_relations(fixture_dir):
    skills = list(ef.iter_skills(fixture_dir / "skills_en.csv"))
    assert {s.skill_type for s in skills} == {"knowledge", "skill/competence"}
    isco = list(ef.iter_isco_groups(fixture_dir / "ISCOGroups_en.csv"))  # has a BOM
    assert isco[0].code == "2512"
    assert isco[0].hidden_labels == ()
    groups = list(ef.iter_skill_groups(fixture_dir / "skillGroups_en.csv"))
    assert groups[0].alt_labels == ("coding",)
    rels = list(ef.iter_occupation_skill_relations(fixture_dir / "occupationSkillRelations.csv"))
    assert {r.relation for r in rels} == {"essential", "optional"}
    assert rels[0].occupation_uri == occupation("dev")
    assert rels[0].skill_uri == skill("python")
    broader = list(ef.iter_broader_relations(fixture_dir / "broaderRelationsOccPillar_en.csv"))
    assert broader[0].broader_uri.endswith("isco/C2512")
    related = list(ef.iter_skill_skill_relations(fixture_dir / "skillSkillRelations.csv"))
    assert related[0].related_uri == skill("sql")


def test_iter_concepts_rejects_other_files(fixture_dir):
    with pytest.raises(ValueError, match="not an ESCO concept file"):
        list(ef.iter_concepts(fixture_dir / "occupationSkillRelations.csv"))


def test_melo_labels_join_and_language(fixture_dir):
    labels = list(
        ef.iter_melo_labels(
            fixture_dir / "corpus_elements_no.tsv", fixture_dir / "concept_mapping_no.tsv"
        )
    )
    assert {label.lang for label in labels} == {"nb"}
    assert labels[0] == ef.Label(occupation("dev"), "programvareutvikler", "nb", "preferred")
    assert labels[1].kind == "alt"
    da = list(
        ef.iter_melo_labels(
            fixture_dir / "corpus_elements_da.tsv",
            fixture_dir / "concept_mapping_da.tsv",
            occupations_only=True,
        )
    )
    assert all("/occupation/" in label.uri for label in da)
    assert "Ledere" not in {label.label for label in da}


def test_occupation_labels_from_dir_dedupes(fixture_dir):
    labels = list(ef.occupation_labels_from_dir(fixture_dir))
    assert {label.lang for label in labels} == {"en", "nl", "da", "nb"}
    keys = [(x.uri, x.lang, x.label.casefold()) for x in labels]
    assert len(keys) == len(set(keys))
    only_da = list(ef.occupation_labels_from_dir(fixture_dir, ["da"]))
    assert {label.lang for label in only_da} == {"da"}
