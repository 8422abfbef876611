"""The P11 benchmark module runs (tiny sizes) and reads the reference files the app reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import p11_opportunities as p11
from springboard.opportunities.ranking import OpportunityIndex, rank_plain

REAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def test_bench_runs_on_generated_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(p11, "QUICK_CANDIDATES", 6)
    rows = p11.run(None, quick=True)
    assert rows[0]["id"] == "P11"
    assert "GENERATED" in rows[0]["note"]
    assert rows[0]["baseline"] is not None
    identical = next(r for r in rows if r["metric"].startswith("rankings identical"))
    assert identical["value"] == 1.0
    assert identical["ok"]


def test_candidates_have_forty_distinct_skills_and_never_repeat() -> None:
    records = p11.generated_records()[:300]
    queries = p11.candidates(records, 20)
    assert all(len(q.skills) == p11.SKILLS_PER_CANDIDATE for q in queries)
    assert len({q.skills for q in queries}) == len(queries)
    index = OpportunityIndex(records)
    assert all(index.rank(q) == rank_plain(records, q) for q in queries)


@pytest.mark.reference_data
@pytest.mark.skipif(not REAL_DATA.is_dir(), reason="reference data (../shared/data) not present")
def test_records_from_the_real_files() -> None:
    records = p11.records_from_files(REAL_DATA)
    assert len(records) == 3007
    # Every relation whose occupation is in the occupation file (a few dozen name none).
    assert sum(len(r.essential) + len(r.optional) for r in records) > 123_000
    with_interests = sum(r.interests is not None for r in records)
    assert 1500 < with_interests < len(records)
    self_employed = [r for r in records if r.self_employment]
    assert self_employed
    assert all(r.isco_code for r in self_employed)
