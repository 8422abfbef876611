"""The management commands: import-reference-data, rank-occupations, extract-skills."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from springboard.taxonomy.models import Occupation, TaxonomyVersion
from springboard.taxonomy.tests.conftest import ESCO, FIXTURES


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_reports_used_and_skipped_files_and_is_idempotent() -> None:
    first = _call("import-reference-data", str(FIXTURES))
    assert "occupations_en.csv  (occupations [en])" in first
    assert "corpus_elements_no.tsv  (melo_corpus [nb])" in first
    assert "Skipped 2 files" in first
    assert "Imported taxonomy version 1" in first
    second = _call("import-reference-data", str(FIXTURES))
    assert "Nothing changed" in second
    assert TaxonomyVersion.objects.count() == 1


@pytest.mark.django_db
def test_import_without_path_falls_back_to_the_labelled_sample(tmp_path: Path) -> None:
    with override_settings(REFERENCE_DATA_PATH=tmp_path / "missing"):
        output = _call("import-reference-data")
    assert "importing the built-in SAMPLE taxonomy" in output
    assert "Imported SAMPLE taxonomy version 1" in output
    assert TaxonomyVersion.objects.get().is_sample


@pytest.mark.usefixtures("imported")
def test_sample_never_replaces_real_data(tmp_path: Path) -> None:
    output = _call("import-reference-data", "--sample")
    assert "already holds real reference data" in output
    assert not TaxonomyVersion.objects.filter(is_sample=True).exists()


@pytest.mark.django_db
def test_import_without_path_uses_the_configured_reference_data() -> None:
    with override_settings(REFERENCE_DATA_PATH=FIXTURES):
        _call("import-reference-data")
    assert Occupation.objects.filter(uri=f"{ESCO}occupation/0001-dev").exists()


@pytest.mark.django_db
def test_import_of_a_missing_path_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a directory"):
        _call("import-reference-data", str(tmp_path / "nope"))


@pytest.mark.usefixtures("imported")
def test_rank_occupations_writes_a_trec_run_and_accepts_no_for_bokmal(tmp_path: Path) -> None:
    queries = tmp_path / "titles.tsv"
    queries.write_text("q1\tsykepleier\nq2\tSoftware Developer (m/f/d)\n", encoding="utf-8")
    run = tmp_path / "run.txt"
    output = _call(
        "rank-occupations", "--lang", "no", "--input", str(queries), "--output", str(run),
        "--top", "2",
    )  # fmt: skip
    assert "Ranked 2 titles" in output
    lines = [line.split() for line in run.read_text().splitlines()]
    assert lines[0][:4] == ["q1", "Q0", f"{ESCO}occupation/0002-nurse", "1"]
    assert next(line[2] for line in lines if line[0] == "q2") == f"{ESCO}occupation/0001-dev"
    assert max(int(line[3]) for line in lines) == 2


@pytest.mark.usefixtures("imported")
def test_extract_skills_writes_tsv_for_an_english_and_a_dutch_cv(tmp_path: Path) -> None:
    for lang, expected in (("en", "s-pm"), ("nl", "s-pm")):
        out = tmp_path / f"{lang}.tsv"
        _call(
            "extract-skills", "--lang", lang, "--input", str(FIXTURES / f"cv_{lang}.txt"),
            "--output", str(out),
        )  # fmt: skip
        rows = [line.split("\t") for line in out.read_text().splitlines()]
        assert rows[0][:4] == ["doc_id", "start", "end", "skill_uri"]
        assert f"{ESCO}skill/{expected}" in {row[3] for row in rows[1:]}
        assert f"{ESCO}skill/s-python" in {row[3] for row in rows[1:]}


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["rank-occupations", "extract-skills"])
def test_bad_language_and_empty_taxonomy_are_errors(command: str, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("x\n")
    out = str(tmp_path / "out")
    with pytest.raises(CommandError, match="--lang must be one of"):
        _call(command, "--lang", "fr", "--input", str(source), "--output", out)
    with pytest.raises(CommandError, match="import-reference-data first"):
        _call(command, "--lang", "en", "--input", str(source), "--output", out)
