"""P3: candidate → top vacancies among 100,000 and candidate → occupations.

Engine: the real ESCO occupation-skill relations. Vacancies are GENERATED (no public
vacancy set with ESCO skills exists here): each picks a random occupation, 60-100 % of its
essential skills, 0-5 of its optional skills and 0-2 random skills. Candidates are built the
same way from a random occupation plus 5-15 random skills.

Baseline: numpy dense brute force (float32 vacancy x skill matrix @ candidate vector, then
argpartition). A dense 100k x 13.9k matrix would take 5.6 GB, so it is measured on the first
``dense_rows`` vacancies and scaled linearly to 100k (a mat-vec is linear in rows); the row
says so.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from bench.common import Row, percentile, row, time_each
from springboard.matching.cli import build_engine_from_files
from springboard.matching.engine import MatchingEngine

ID = "P3"
SEED = 11
N_VACANCIES = 100_000
DENSE_BUDGET_BYTES = 1_200_000_000


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


def run(data: Path | None, quick: bool = False) -> list[Row]:
    engine = build_engine_from_files(data) if data is not None else _generated_engine()
    source = "real ESCO relations" if data is not None else "GENERATED taxonomy"
    rng = random.Random(SEED)
    n_vac = 20_000 if quick else N_VACANCIES
    vacancies = [_profile(engine, rng, rng.randint(0, 2)) for _ in range(n_vac)]
    index = engine.vacancy_index([f"v{i}" for i in range(n_vac)], vacancies)
    candidates = [_profile(engine, rng, rng.randint(5, 15)) for _ in range(100 if quick else 300)]
    ours = time_each(lambda c: index.rank(c, 20), candidates)
    occ_t = time_each(lambda c: engine.rank_occupations(c, top=20), candidates)

    n_skills = len(engine.skill_uris)
    dense_rows = min(n_vac, DENSE_BUDGET_BYTES // (4 * n_skills))
    dense = index.matrix[:dense_rows].toarray().astype(np.float32)

    def brute_force(c: list[str]) -> None:
        rows, weights = engine.candidate_vector(c)
        vector = np.zeros(n_skills, dtype=np.float32)
        vector[rows] = weights
        scores = dense @ vector
        top = np.argpartition(-scores, 20)[:20]
        top[np.argsort(-scores[top])]

    scale = n_vac / dense_rows
    dense_t = [t * scale for t in time_each(brute_force, candidates[:50])]
    note = f"{n_vac} generated vacancies over {source}"
    dense_note = f"dense measured on {dense_rows} rows, scaled x{scale:.2f}"
    return [
        row(
            ID,
            f"candidate → top 20 of {n_vac} vacancies p95 ms",
            1e3 * percentile(ours, 95),
            baseline=1e3 * percentile(dense_t, 95),
            at_most=20.0,
            higher_is_better=False,
            note=f"{note}; {dense_note}",
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
