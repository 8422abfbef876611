import io

import pytest

from springboard.matching.cli import (
    TSV_HEADER,
    extract_skills_to_tsv,
    rank_titles_to_trec,
    read_queries,
)

from .conftest import FIXTURES, occupation, skill


def test_rank_titles_to_trec_format(ranker, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\ttruck driver\nq 2\tsoftwareudvikler\n\nkok\n", encoding="utf-8")
    out = tmp_path / "run.txt"
    n = rank_titles_to_trec(ranker, "da", queries, out, top=2, run_name="test run")
    assert n == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    first = lines[0].split()
    assert first[:4] == ["q1", "Q0", occupation("driver"), "1"]
    assert first[5] == "test_run"
    assert float(first[4]) > 0
    qids = [line.split()[0] for line in lines]
    assert set(qids) == {"q1", "q_2", "4"}  # whitespace in qid replaced; line number for "kok"
    assert max(qids.count(q) for q in set(qids)) <= 2
    ranks = [int(line.split()[3]) for line in lines if line.startswith("q1 ")]
    assert ranks == list(range(1, len(ranks) + 1))


def test_rank_titles_rejects_bad_top(ranker):
    with pytest.raises(ValueError, match="top"):
        rank_titles_to_trec(ranker, "en", io.StringIO("x\n"), io.StringIO(), top=0)


def test_extract_skills_to_tsv_whole_document(extractor):
    out = io.StringIO()
    text = (FIXTURES / "cv_en.txt").read_text(encoding="utf-8")
    n = extract_skills_to_tsv(extractor, io.StringIO(text), out, "en", doc_id="cv")
    lines = out.getvalue().splitlines()
    assert lines[0] + "\n" == TSV_HEADER
    assert n == len(lines) - 1
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == 8 for r in rows)
    python = next(r for r in rows if r[3] == skill("python"))
    assert text[int(python[1]) : int(python[2])] == python[7] == "Python"


def test_extract_skills_to_tsv_per_line(extractor):
    out = io.StringIO()
    extract_skills_to_tsv(
        extractor, io.StringIO("a\tPython and SQL\nb\tcooking\n"), out, "en", per_line=True
    )
    docs = [line.split("\t")[0] for line in out.getvalue().splitlines()[1:]]
    assert docs == ["a", "a", "b"]


def test_read_queries_handles_blank_lines():
    assert read_queries(io.StringIO("\n q \t x\n")) == [("q", "x")]
