"""P3: candidate → top vacancies among 100,000 and candidate → occupations.

Engine: the real ESCO occupation-skill relations. Vacancies are GENERATED (no public
vacancy set with ESCO skills exists here): each picks a random occupation, 60-100 % of its
essential skills, 0-5 of its optional skills and 0-2 random skills. Candidates are built the
same way from a random occupation plus 5-15 random skills.

Baseline: what a competent engineer would write first, a scipy CSR matrix-vector product over
all vacancy rows (the same normalised matrix the index holds, float32) with the candidate's
dense weight vector, then the same top-k selection; measured whole, in the same run, on the same
candidates, with nothing scaled. The run also checks that both return the same top 20.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.common import Row, percentile, row, time_each
from springboard.matching.cli import build_engine_from_files
from springboard.matching.engine import MatchingEngine, VacancyHit, VacancyIndex, _top_k

ID = "P3"
SEED = 11
N_VACANCIES = 100_000
TOP = 20


def _generated_engine() -> MatchingEngine:
    rng = random.Random(SEED)
    skills = [f"urn:skill:{i}" for i in range(13_000)]
    relations = []
    for o in range(3_000):
        for s in rng.sample(skills, 40):
            relations.append((f"urn:occupation:{o}", s, rng.random() < 0.5))
    return MatchingEngine.from_relations(relations, version="generated")


def _profile(engine: MatchingEngine, rng: random.Random, extra: int) -> list[str]:
    occ = rng.randrange(len(engine.occupation_uris))
    ess = engine._ess_idx[engine._ess_ptr[occ] : engine._ess_ptr[occ + 1]].tolist()
    opt = engine._opt_idx[engine._opt_ptr[occ] : engine._opt_ptr[occ + 1]].tolist()
    chosen = rng.sample(ess, max(1, int(len(ess) * rng.uniform(0.6, 1.0)))) if ess else []
    chosen += rng.sample(opt, min(len(opt), rng.randint(0, 5)))
    chosen += rng.sample(range(len(engine.skill_uris)), extra)
    return [engine.skill_uris[i] for i in chosen]


def sparse_baseline_rank(
    index: VacancyIndex, skills: list[str], top: int = TOP
) -> list[VacancyHit]:
    """The baseline: ``matrix @ vector`` with scipy over every vacancy row, then top-k."""
    rows, weights = index._engine.candidate_vector(skills)
    vector = np.zeros(index.matrix.shape[1], dtype=np.float32)
    vector[rows] = weights
    scores: npt.NDArray[np.floating] = index.matrix @ vector
    return [VacancyHit(index.vacancy_ids[i], float(scores[i])) for i in _top_k(scores, top)]


def same_hits(a: list[VacancyHit], b: list[VacancyHit], tolerance: float = 1e-5) -> bool:
    """Same scores in order (up to float32 rounding) and the same vacancies, except that
    vacancies tied with the last place (within rounding) may be swapped for each other."""
    if len(a) != len(b):
        return False
    if any(abs(x.score - y.score) > tolerance for x, y in zip(a, b, strict=True)):
        return False
    if not a:
        return True
    cutoff = a[-1].score + tolerance
    return {x.vacancy_id for x in a if x.score > cutoff} == {
        y.vacancy_id for y in b if y.score > cutoff
    }


def run(data: Path | None, quick: bool = False) -> list[Row]:
    engine = build_engine_from_files(data) if data is not None else _generated_engine()
    source = "real ESCO relations" if data is not None else "GENERATED taxonomy"
    rng = random.Random(SEED)
    n_vac = 20_000 if quick else N_VACANCIES
    vacancies = [_profile(engine, rng, rng.randint(0, 2)) for _ in range(n_vac)]
    index = engine.vacancy_index([f"v{i}" for i in range(n_vac)], vacancies)
    candidates = [_profile(engine, rng, rng.randint(5, 15)) for _ in range(100 if quick else 300)]
    agree = sum(same_hits(index.rank(c, TOP), sparse_baseline_rank(index, c)) for c in candidates)
    # Interleaved, twice each, so that a noisy neighbour hits both alike; p50/p95 over all.
    ours: list[float] = []
    base: list[float] = []
    for _ in range(2):
        ours += time_each(lambda c: index.rank(c, TOP), candidates)
        base += time_each(lambda c: sparse_baseline_rank(index, c), candidates)
    occ_t = time_each(lambda c: engine.rank_occupations(c, top=TOP), candidates)
    density = index.matrix.nnz / (index.matrix.shape[0] * index.matrix.shape[1])
    note = (
        f"{n_vac} generated vacancies over {source}, {len(candidates)} candidates x 2 runs; "
        f"matrix density {density:.5f}; same top {TOP} as the baseline for "
        f"{agree}/{len(candidates)} candidates"
    )
    return [
        row(
            ID,
            f"candidate → top {TOP} of {n_vac} vacancies p95 ms",
            1e3 * percentile(ours, 95),
            baseline=1e3 * percentile(base, 95),
            at_most=20.0,
            higher_is_better=False,
            note=f"{note}; baseline: scipy CSR matrix @ vector over all rows",
        ),
        row(
            ID,
            f"candidate → top {TOP} of {n_vac} vacancies p50 ms",
            1e3 * percentile(ours, 50),
            baseline=1e3 * percentile(base, 50),
            higher_is_better=False,
        ),
        row(
            ID,
            "candidate → occupations (top 20 + explanations) p95 ms",
            1e3 * percentile(occ_t, 95),
            at_most=5.0,
            higher_is_better=False,
            note=f"{len(engine.occupation_uris)} occupations, {source}",
        ),
    ]
